using System.Net;
using System.Text.Json;
using Heapdog.Monitoring.Actions;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Tests;

public class ActionEngineTests
{
    private const long Mb = 1_000_000;

    /// <summary>Writes a real file of a fixed size: stands in for the inspector-based capturer, which lives elsewhere.</summary>
    private sealed class FileCapturer(long bytes) : ISnapshotCapturer
    {
        public int Calls;

        public Task<(string Path, long Bytes)> CaptureAsync(ProcessIdentity process, string directory, CancellationToken ct)
        {
            Calls++;
            Directory.CreateDirectory(directory);
            string path = Path.Combine(directory, $"{process.Pid}-{Calls}.heapsnapshot");
            File.WriteAllBytes(path, new byte[bytes]);
            return Task.FromResult((path, bytes));
        }
    }

    private static (SampleStore Store, ProcessTrack Track) Setup(TempDirectory dir)
    {
        var store = SampleStore.Open(dir.File("a.db"));
        var p = store.UpsertProcess(new ProcessIdentity(555, 1), "node", "node app.js", 0, null, 0);
        return (store, new ProcessTrack(p));
    }

    private static WatchRound Round(ProcessTrack t, long now, Sample s)
    {
        s.TimeMs = now;
        t.Add(s, 100);
        return new WatchRound(now, 0, [t], [], false);
    }

    [Fact]
    public async Task OnRound_HeapAboveShare_SnapshotsWithinCooldownAndMaxCount()
    {
        using var dir = new TempDirectory();
        var (store, track) = Setup(dir);
        using var _ = store;
        var capturer = new FileCapturer(1000);
        var policy = new SnapshotPolicy(dir.File("snaps"), [new SnapshotRule(SnapshotTrigger.HeapShare, 0.8)]) { Cooldown = TimeSpan.FromMinutes(1), MaxCount = 2 };
        var reports = new List<string>();
        using var runner = new HookRunner(TimeSpan.FromSeconds(5));
        var engine = new ActionEngine(store, policy, capturer, [], runner, reports.Add);

        await engine.OnRoundAsync(Round(track, 0, new Sample { HeapUsed = 70 * Mb, HeapLimit = 100 * Mb }), default);
        capturer.Calls.ShouldBe(0);
        await engine.OnRoundAsync(Round(track, 1000, new Sample { HeapUsed = 85 * Mb, HeapLimit = 100 * Mb }), default);
        capturer.Calls.ShouldBe(1);
        await engine.OnRoundAsync(Round(track, 30_000, new Sample { HeapUsed = 90 * Mb, HeapLimit = 100 * Mb }), default);
        capturer.Calls.ShouldBe(1); // cooldown
        await engine.OnRoundAsync(Round(track, 62_000, new Sample { HeapUsed = 90 * Mb, HeapLimit = 100 * Mb }), default);
        capturer.Calls.ShouldBe(2);
        await engine.OnRoundAsync(Round(track, 200_000, new Sample { HeapUsed = 95 * Mb, HeapLimit = 100 * Mb }), default);
        capturer.Calls.ShouldBe(2); // max count
        store.ReadEvents(track.Process.Id).Select(e => e.Kind).ShouldBe(["snapshot", "snapshot", "snapshot-skipped"]);
        Directory.GetFiles(dir.File("snaps")).Length.ShouldBe(2);
        var detail = JsonDocument.Parse(store.ReadEvents(track.Process.Id)[0].Detail).RootElement;
        detail.GetProperty("bytes").GetInt64().ShouldBe(1000); // a number, as the dashboard writes it
        detail.GetProperty("path").GetString().ShouldEndWith(".heapsnapshot");
    }

    [Fact]
    public async Task OnRound_DiskBudgetSpent_SkipsSnapshot()
    {
        using var dir = new TempDirectory();
        var (store, track) = Setup(dir);
        using var _ = store;
        var capturer = new FileCapturer(600);
        var policy = new SnapshotPolicy(dir.File("snaps"), [new SnapshotRule(SnapshotTrigger.Periodic, Period: TimeSpan.FromSeconds(10))])
            { Cooldown = TimeSpan.Zero, MaxCount = 100, DiskBudgetBytes = 1000 };
        using var runner = new HookRunner(TimeSpan.FromSeconds(5));
        var engine = new ActionEngine(store, policy, capturer, [], runner, _ => { });
        for (int i = 0; i < 4; i++) await engine.OnRoundAsync(Round(track, i * 10_000, new Sample { Rss = Mb }), default);
        capturer.Calls.ShouldBe(2); // 600 + 600 passes 1000 after the second
        store.ReadEvents(track.Process.Id).Count(e => e.Kind == "snapshot-skipped").ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task OnRound_CgroupShareWithoutCapturer_RecordsSkipOnce()
    {
        using var dir = new TempDirectory();
        var (store, track) = Setup(dir);
        using var _ = store;
        var policy = new SnapshotPolicy(dir.File("snaps"), [new SnapshotRule(SnapshotTrigger.CgroupShare, 0.5)]) { Cooldown = TimeSpan.Zero };
        var reports = new List<string>();
        using var runner = new HookRunner(TimeSpan.FromSeconds(5));
        var engine = new ActionEngine(store, policy, null, [], runner, reports.Add);
        for (int i = 0; i < 3; i++) await engine.OnRoundAsync(Round(track, i * 1000, new Sample { Rss = 60 * Mb, CgroupLimit = 100 * Mb }), default);
        reports.ShouldHaveSingleItem().ShouldContain("needs the inspector");
    }

    [Fact]
    public async Task OnRound_LeakVerdict_RunsCommandHookOnceWithEventOnStdin()
    {
        using var dir = new TempDirectory();
        var (store, track) = Setup(dir);
        using var _ = store;
        string outFile = dir.File("hook.json");
        var hooks = new[] { new Hook(HookTrigger.LeakVerdict, Command: $"cat > '{outFile}'; echo \"$HEAPDOG_PID $HEAPDOG_GROWTH\" > '{outFile}.env'") };
        using var runner = new HookRunner(TimeSpan.FromSeconds(10));
        var reports = new List<string>();
        var engine = new ActionEngine(store, null, null, hooks, runner, reports.Add);
        var growing = new Verdict(VerdictStatus.Growing, GrowthClass.OffHeap, [], null, "growing off-heap", false);
        for (int i = 0; i < 3; i++)
        {
            var round = Round(track, i * 1000, new Sample { Rss = Mb });
            track.Verdict = growing;
            await engine.OnRoundAsync(round, default);
        }
        await engine.DrainAsync();
        reports.ShouldHaveSingleItem().ShouldContain("leak-verdict hook ran");
        var json = JsonDocument.Parse(File.ReadAllText(outFile)).RootElement;
        json.GetProperty("event").GetString().ShouldBe("leak-verdict");
        json.GetProperty("pid").GetString().ShouldBe("555");
        json.GetProperty("growth").GetString().ShouldBe("off-heap");
        File.ReadAllText(outFile + ".env").Trim().ShouldBe("555 off-heap");
        store.ReadEvents(track.Process.Id).ShouldHaveSingleItem().Kind.ShouldBe("leak-verdict");
    }

    [Fact]
    public async Task RunAsync_Webhook_PostsJson()
    {
        using var listener = new HttpListener();
        int port = Random.Shared.Next(40000, 60000);
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        var received = Task.Run(async () =>
        {
            var ctx = await listener.GetContextAsync();
            using var reader = new StreamReader(ctx.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var type = ctx.Request.ContentType;
            ctx.Response.StatusCode = 204;
            ctx.Response.Close();
            return (body, type);
        });
        using var runner = new HookRunner(TimeSpan.FromSeconds(10));
        var error = await runner.RunAsync(new Hook(HookTrigger.OomDeath, Webhook: new Uri($"http://127.0.0.1:{port}/hook/")), "oom-death", "{\"event\":\"oom-death\"}", new Dictionary<string, string>(), default);
        error.ShouldBeNull();
        var (body, contentType) = await received;
        body.ShouldBe("{\"event\":\"oom-death\"}");
        contentType!.ShouldStartWith("application/json");
    }

    [Fact]
    public async Task RunAsync_WebhookRefused_ReturnsOneLineError()
    {
        using var runner = new HookRunner(TimeSpan.FromSeconds(5));
        var error = await runner.RunAsync(new Hook(HookTrigger.OomDeath, Webhook: new Uri("http://127.0.0.1:9/none")), "oom-death", "{}", new Dictionary<string, string>(), default);
        error.ShouldNotBeNull().ShouldStartWith("webhook http://127.0.0.1:9/none failed");
    }

    [Fact]
    public async Task RunAsync_FailingAndHangingCommands_ReportWithoutThrowing()
    {
        using var runner = new HookRunner(TimeSpan.FromSeconds(1));
        var failed = await runner.RunAsync(new Hook(HookTrigger.LeakVerdict, Command: "echo broken >&2; exit 3"), "leak-verdict", "{}", new Dictionary<string, string>(), default);
        failed.ShouldBe("hook command exited with 3: broken");
        var hung = await runner.RunAsync(new Hook(HookTrigger.LeakVerdict, Command: "sleep 30"), "leak-verdict", "{}", new Dictionary<string, string>(), default);
        hung.ShouldBe("hook command timed out after 1 s and was killed");
    }
}
