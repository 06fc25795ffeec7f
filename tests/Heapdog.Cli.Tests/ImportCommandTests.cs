using System.Globalization;
using System.Runtime.Versioning;
using System.Text;
using System.Text.Json;
using Heapdog.Monitoring.Store;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog import</c>: the records the write-ups kept by hand, into the store, with the verdict a watch
/// would have given.</summary>
[SupportedOSPlatform("linux")]
public sealed class ImportCommandTests
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Write-up 000's log: <c>process.memoryUsage()</c> every minute behind the time of day, RSS from 270 MB to
    /// 1.1 GB in 23 minutes while the heap stays flat.</summary>
    private static string OffHeapLeakLog()
    {
        var log = new StringBuilder();
        for (int i = 0; i < 24; i++)
        {
            var t = new TimeSpan(21, 29 + i, 0);
            long rss = 279_068_672 + i * 36_000_000L;
            long heapTotal = 64_028_672 + i % 3 * 524_288, heapUsed = 23_900_184 + i % 4 * 300_000;
            log.Append(Inv, $"{t:hh\\:mm} - {{\"rss\":{rss},\"heapTotal\":{heapTotal},\"heapUsed\":{heapUsed},\"external\":4878125}}\n");
        }
        return log.ToString();
    }

    [Fact]
    public async Task Import_TheWriteUpsMemoryUsageLog_OffHeapGrowth_StoredPrivately_AndAgainWithoutDuplicates()
    {
        using var dir = new TempDirectory();
        string log = dir.File("service.log");
        await File.WriteAllTextAsync(log, OffHeapLeakLog() + "Error: something unrelated\n");
        string db = dir.File("store.db");

        for (int round = 0; round < 2; round++)
        {
            var run = await HeapdogCommand.RunAsync(dir.Path, "import", log, "--db", db, "--json");
            run.ExitCode.ShouldBe(0, run.Stderr);
            var result = JsonDocument.Parse(run.Stdout).RootElement;
            result.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
            var file = result.GetProperty("files").EnumerateArray().ShouldHaveSingleItem();
            file.GetProperty("formats").EnumerateArray().Select(f => f.GetString()).ShouldBe(["memoryUsage"]);
            file.GetProperty("samples").GetInt32().ShouldBe(24);
            file.GetProperty("skipped").GetInt32().ShouldBe(1);
            var process = result.GetProperty("processes").EnumerateArray().ShouldHaveSingleItem();
            process.GetProperty("name").GetString().ShouldBe("service");
            var verdict = process.GetProperty("verdict");
            verdict.GetProperty("status").GetString().ShouldBe("growing");
            verdict.GetProperty("growth").GetString().ShouldBe("off-heap");
        }

        using var store = SampleStore.OpenReadOnly(db);
        var stored = store.AllProcesses().ShouldHaveSingleItem();
        store.CountSamples(stored.Id).ShouldBe(24, "a second import replaces the samples, it does not add them again");
        (File.GetUnixFileMode(db) & (UnixFileMode)0b111_111).ShouldBe(UnixFileMode.None, "the store is private");
    }

    [Fact]
    public async Task Import_Pm2JlistSampledEveryFiveMinutes_GrowingAppAndSteadyApp_EachGetsItsVerdict()
    {
        using var dir = new TempDirectory();
        var dump = new StringBuilder();
        var start = new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
        for (int i = 0; i < 12 * 24 * 2; i++) // two days, as write-up 001 collected
        {
            long leakyHeap = (40 << 20) + i * 300_000L + (i % 5) * 1_000_000L;
            long steadyRss = (90 << 20) + (i % 7) * 400_000L;
            long uptime = start.AddHours(-1).ToUnixTimeMilliseconds();
            string Mib(long bytes) => (bytes / 1048576.0).ToString("0.00", Inv);
            string apiJson = $"{{\"pid\":4242,\"name\":\"api\",\"monit\":{{\"memory\":{leakyHeap + (60 << 20)},\"cpu\":2}},\"pm2_env\":{{\"pm_uptime\":{uptime},"
                + $"\"axm_monitor\":{{\"Used Heap Size\":{{\"value\":\"{Mib(leakyHeap)}\",\"unit\":\"MiB\"}},\"Heap Size\":{{\"value\":\"{Mib(leakyHeap + (10 << 20))}\",\"unit\":\"MiB\"}}}}}}}}";
            string workerJson = $"{{\"pid\":4343,\"name\":\"worker\",\"monit\":{{\"memory\":{steadyRss},\"cpu\":0}},\"pm2_env\":{{\"pm_uptime\":{uptime}}}}}";
            string apps = $"[{apiJson},{workerJson}]";
            dump.Append(start.AddMinutes(5 * i).ToString("yyyy-MM-ddTHH:mm:ssZ", Inv)).Append(' ').Append(apps).Append('\n');
        }
        string file = dir.File("jlist.log");
        await File.WriteAllTextAsync(file, dump.ToString());

        var run = await HeapdogCommand.RunAsync(dir.Path, "import", file, "--db", dir.File("store.db"), "--json");
        run.ExitCode.ShouldBe(0, run.Stderr);
        var processes = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("processes").EnumerateArray().ToList();
        var api = processes.Single(p => p.GetProperty("name").GetString() == "api");
        api.GetProperty("pid").GetInt32().ShouldBe(4242);
        api.GetProperty("samples").GetInt32().ShouldBe(576);
        api.GetProperty("verdict").GetProperty("status").GetString().ShouldBe("growing");
        api.GetProperty("verdict").GetProperty("growth").GetString().ShouldBe("js-heap");
        var worker = processes.Single(p => p.GetProperty("name").GetString() == "worker");
        worker.GetProperty("verdict").GetProperty("status").GetString().ShouldBe("steady");

        var onlyWorker = await HeapdogCommand.RunAsync(dir.Path, "import", file, "--name", "worker", "--db", dir.File("other.db"), "--json");
        onlyWorker.ExitCode.ShouldBe(0, onlyWorker.Stderr);
        JsonDocument.Parse(onlyWorker.Stdout).RootElement.GetProperty("processes").EnumerateArray().ShouldHaveSingleItem()
            .GetProperty("name").GetString().ShouldBe("worker");
    }

    [Fact]
    public async Task Import_ALogARealNodeProcessWrote_ReadsEveryFigureItPrinted()
    {
        using var dir = new TempDirectory();
        using (var node = NodeProgram.Inline("""
            const keep = [];
            let n = 0;
            const t = setInterval(() => {
              keep.push(new Array(20000).fill(n));
              console.log(new Date().toISOString() + ' ' + JSON.stringify(process.memoryUsage()));
              if (++n === 8) clearInterval(t);
            }, 20);
            """))
        {
            (await node.WaitForExitAsync(TimeSpan.FromSeconds(30))).ShouldBe(0, node.Stderr);
            await File.WriteAllTextAsync(dir.File("node.log"), node.Stdout);
        }

        var run = await HeapdogCommand.RunAsync(dir.Path, "import", dir.File("node.log"), "--name", "real", "--db", dir.File("store.db"));
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain("8 sample(s) from 8 line(s) (memoryUsage), 0 skipped");
        using var store = SampleStore.OpenReadOnly(dir.File("store.db"));
        var samples = store.ReadSamples(store.AllProcesses().ShouldHaveSingleItem().Id);
        samples.Count.ShouldBe(8);
        samples.ShouldAllBe(s => s.Rss > 0 && s.HeapUsed > 0 && s.HeapTotal >= s.HeapUsed && s.External > 0 && s.ArrayBuffers >= 0);
    }

    [Fact]
    public async Task Import_NothingThatIsAMemoryRecord_ExitsBadInput_AndCreatesNoStore()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("notes.txt"), "hello\nworld\n");
        var run = await HeapdogCommand.RunAsync(dir.Path, "import", dir.File("notes.txt"), "--db", dir.File("store.db"));
        run.ExitCode.ShouldBe(4, run.Stderr);
        run.Stderr.ShouldContain("no memory records in");
        File.Exists(dir.File("store.db")).ShouldBeFalse();

        var missing = await HeapdogCommand.RunAsync(dir.Path, "import", dir.File("gone.log"), "--db", dir.File("store.db"));
        missing.ExitCode.ShouldBe(3, missing.Stderr);
    }
}
