using System.Text.Json;

namespace Heapdog.Cli.Tests;

/// <summary>
/// Four real Node programs (a JS heap leak, an off-heap leak, a steady one, a slow leak of about 200 MB/h) watched
/// together for 2 min 30 s — past the 2 minutes a steady verdict needs, counted after the 10 s warm-up — by the real CLI with default settings
/// (5 s interval, no inspector), while a second watch of 30 s looks at the steady one and the slow leak. One fixture
/// runs both watches once; each test checks one verdict.
/// </summary>
public sealed class WatchClassificationFixture : IAsyncLifetime
{
    private readonly List<NodeProgram> _nodes = [];
    private readonly TempDirectory _dir = new();

    public async Task InitializeAsync()
    {
        try
        {
            foreach (var script in new[] { "js-heap-leak.js", "off-heap-leak.js", "steady.js", "slow-leak.js" })
            {
                var node = new NodeProgram(script);
                _nodes.Add(node);
                (await node.ReadLineAsync()).ShouldBe("ready");
            }
            Pids = _nodes.Select(n => n.Pid).ToArray();
            var args = new List<string> { "watch", "--duration", "150s", "--json", "--db", _dir.File("watch.db") };
            foreach (var pid in Pids) { args.Add("--pid"); args.Add(pid.ToString()); }
            var shortArgs = new List<string> { "watch", "--duration", "30s", "--json", "--db", _dir.File("short.db"), "--pid", Pids[2].ToString(), "--pid", Pids[3].ToString() };
            var longWatch = HeapdogCommand.RunAsync(_dir.Path, args, timeout: TimeSpan.FromMinutes(4));
            var shortWatch = HeapdogCommand.RunAsync(_dir.Path, shortArgs, timeout: TimeSpan.FromMinutes(2));
            var watch = await longWatch;
            ExitCode = watch.ExitCode;
            Stderr = watch.Stderr;
            Report = JsonDocument.Parse(watch.Stdout);
            var brief = await shortWatch;
            brief.ExitCode.ShouldBe(0, brief.Stderr);
            ShortReport = JsonDocument.Parse(brief.Stdout);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public int[] Pids { get; private set; } = [];
    public int ExitCode { get; private set; }
    public string Stderr { get; private set; } = "";
    public JsonDocument Report { get; private set; } = JsonDocument.Parse("{}");
    public JsonDocument ShortReport { get; private set; } = JsonDocument.Parse("{}");

    public JsonElement ProcessReport(int pid, bool brief = false) =>
        (brief ? ShortReport : Report).RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == pid);

    public Task DisposeAsync()
    {
        foreach (var n in _nodes) n.Dispose();
        _dir.Dispose();
        return Task.CompletedTask;
    }
}

public class WatchClassificationTests(WatchClassificationFixture fixture) : IClassFixture<WatchClassificationFixture>
{
    private void ShouldBeClassified(int index, string status, string growth, string textFragment)
    {
        fixture.ExitCode.ShouldBe(0, fixture.Stderr);
        var p = fixture.ProcessReport(fixture.Pids[index]);
        p.GetProperty("samples").GetProperty("count").GetInt64().ShouldBe(31);
        var verdict = p.GetProperty("verdict");
        verdict.GetProperty("status").GetString().ShouldBe(status, verdict.ToString());
        verdict.GetProperty("growth").GetString().ShouldBe(growth, verdict.ToString());
        verdict.GetProperty("text").GetString()!.ShouldContain(textFragment);
        verdict.GetProperty("usedRuntimeFigures").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public void Watch_JsHeapLeak_IsGrowingInJsHeap() => ShouldBeClassified(0, "growing", "js-heap", "in the JS heap");

    [Fact]
    public void Watch_BuffersKeptAlive_IsGrowingOffHeap() => ShouldBeClassified(1, "growing", "off-heap", "off-heap / native");

    [Fact]
    public void Watch_SteadyProgram_IsSteady() => ShouldBeClassified(2, "steady", "none", "steady");

    [Fact]
    public void Watch_LeakOf200MBPerHour_IsGrowingAfterTwoMinutes() => ShouldBeClassified(3, "growing", "js-heap", "in the JS heap");

    /// <summary>30 s is too short to call anything steady: the steady program is still collecting, with the time left,
    /// and the slow leak is collecting or already growing — never steady.</summary>
    [Fact]
    public void Watch_ThirtySeconds_SteadyProgramIsCollecting_AndTheSlowLeakIsNeverSteady()
    {
        var steady = fixture.ProcessReport(fixture.Pids[2], brief: true).GetProperty("verdict");
        steady.GetProperty("status").GetString().ShouldBe("collecting", steady.ToString());
        steady.GetProperty("collectingSecondsLeft").GetDouble().ShouldBeInRange(60, 120, steady.ToString());
        steady.GetProperty("text").GetString()!.ShouldStartWith("collecting:");
        var leak = fixture.ProcessReport(fixture.Pids[3], brief: true).GetProperty("verdict");
        leak.GetProperty("status").GetString().ShouldBeOneOf(["collecting", "growing"], leak.ToString());
    }

    [Fact]
    public void Watch_JsonReport_CarriesSampleSummaries()
    {
        var p = fixture.ProcessReport(fixture.Pids[0]);
        var rss = p.GetProperty("samples").GetProperty("rss");
        rss.GetProperty("last").GetInt64().ShouldBeGreaterThan(rss.GetProperty("first").GetInt64());
        p.GetProperty("samples").GetProperty("v8Heap").GetProperty("max").GetInt64().ShouldBeGreaterThan(50_000_000);
        p.GetProperty("name").GetString().ShouldBe("node");
        p.GetProperty("exited").GetBoolean().ShouldBeFalse();
        fixture.Report.RootElement.GetProperty("intervalMs").GetInt64().ShouldBe(5000);
    }
}
