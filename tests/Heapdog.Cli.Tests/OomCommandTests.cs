using System.Globalization;
using System.Text.Json;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Cli.Tests;

public class OomCommandTests
{
    [Fact]
    public async Task Oom_NodeDiesOfHeapLimitWhileWatched_TiesTheDeathToItsSamples()
    {
        using var dir = new TempDirectory();
        string stderrLog = dir.File("app-stderr.log");
        int pid;
        using (var node = new NodeProgram("heap-oom-at-start.js", flags: ["--max-old-space-size=40"]))
        {
            pid = node.Pid;
            (await node.ReadLineAsync()).ShouldBe("ready");
            using var watch = HeapdogProcess.Start(dir.Path, ["watch", "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "500ms", "--db", dir.File("w.db")]);
            node.WaitForExit(TimeSpan.FromSeconds(60)).ShouldBeTrue("node did not die of its heap limit");
            node.ExitCode.ShouldNotBe(0);
            await File.WriteAllTextAsync(stderrLog, node.Stderr);
            watch.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue("the watch did not end after its only target exited");
            watch.Stdout.ShouldContain("exited");
        }

        var oom = await HeapdogCommand.RunAsync(dir.Path, ["oom", "--log", stderrLog, "--db", dir.File("w.db"), "--json"], timeout: TimeSpan.FromSeconds(30));
        oom.ExitCode.ShouldBe(0, oom.Stderr);
        var events = JsonDocument.Parse(oom.Stdout).RootElement.GetProperty("events");
        var e = events.EnumerateArray().ShouldHaveSingleItem();
        e.GetProperty("kind").GetString().ShouldBe("v8-heap-oom");
        e.GetProperty("pid").GetInt32().ShouldBe(pid);
        e.GetProperty("reason").GetString()!.ShouldContain("heap limit");
        e.GetProperty("lastGcs").GetArrayLength().ShouldBeGreaterThan(0);
        var watched = e.GetProperty("watched");
        watched.GetProperty("lastSamples").GetArrayLength().ShouldBe(5);
        watched.GetProperty("verdict").GetProperty("status").GetString().ShouldNotBeNull();
    }

    [Fact]
    public async Task Oom_KernelKillOfAWatchedPid_IsTiedByPidAndTime()
    {
        using var dir = new TempDirectory();
        var start = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        using (var store = SampleStore.Open(dir.File("s.db")))
        {
            var p = store.UpsertProcess(new ProcessIdentity(31337, 5000), "api-server", "node server.js", start.ToUnixTimeMilliseconds(), null, start.ToUnixTimeMilliseconds());
            var batch = new List<(long, Sample)>();
            for (int i = 0; i < 30; i++)
                batch.Add((p.Id, new Sample { TimeMs = start.AddMinutes(1 + i).ToUnixTimeMilliseconds(), Rss = 300_000_000 + i * 20_000_000L, RssAnon = 250_000_000 + i * 20_000_000L, V8Heap = 40_000_000, Native = 210_000_000 + i * 20_000_000L }));
            store.AddSamples(batch);
            // An older process that had the same pid must not be blamed.
            store.UpsertProcess(new ProcessIdentity(31337, 10), "old", "node old.js", start.AddDays(-3).ToUnixTimeMilliseconds(), null, start.AddDays(-2).ToUnixTimeMilliseconds());
        }
        File.WriteAllLines(dir.File("kern.log"),
        [
            "2026-03-01T10:31:10.000000+00:00 web1 kernel: node invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0",
            "2026-03-01T10:31:10.000000+00:00 web1 kernel: some unrelated kernel chatter",
            "2026-03-01T10:31:10.100000+00:00 web1 kernel: Out of memory: Killed process 31337 (node) total-vm:1500000kB, anon-rss:850000kB, file-rss:30000kB, shmem-rss:0kB, UID:1000 pgtables:3000kB oom_score_adj:0",
            "2026-03-01T10:31:10.200000+00:00 web1 kernel: oom_reaper: reaped process 31337 (node), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB",
        ]);
        var oom = await HeapdogCommand.RunAsync(dir.Path, ["oom", "--log", dir.File("kern.log"), "--db", dir.File("s.db"), "--json"], timeout: TimeSpan.FromSeconds(30));
        oom.ExitCode.ShouldBe(0);
        var root = JsonDocument.Parse(oom.Stdout).RootElement;
        root.GetProperty("skippedLines").GetInt32().ShouldBe(1);
        var e = root.GetProperty("events").EnumerateArray().ShouldHaveSingleItem();
        e.GetProperty("kind").GetString().ShouldBe("kernel-oom-kill");
        e.GetProperty("pid").GetInt32().ShouldBe(31337);
        e.GetProperty("time").GetString().ShouldBe("2026-03-01T10:31:10.100Z");
        var watched = e.GetProperty("watched");
        watched.GetProperty("name").GetString().ShouldBe("api-server");
        watched.GetProperty("lastSamples").GetArrayLength().ShouldBe(5);
        var verdict = watched.GetProperty("verdict");
        verdict.GetProperty("status").GetString().ShouldBe("growing");
        verdict.GetProperty("growth").GetString().ShouldBe("off-heap");
    }

    [Fact]
    public async Task Oom_MissingLogFile_ExitsWithInputNotFound()
    {
        using var dir = new TempDirectory();
        var oom = await HeapdogCommand.RunAsync(dir.Path, ["oom", "--log", "/nonexistent/kern.log"], timeout: TimeSpan.FromSeconds(30));
        oom.ExitCode.ShouldBe(3);
        oom.Stderr.Trim().ShouldBe("heapdog: --log /nonexistent/kern.log: no such file");
    }
}
