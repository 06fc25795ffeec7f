using System.Text.Json;

namespace Heapdog.Cli.Tests;

/// <summary>
/// Three real Node programs (a JS heap leak, an off-heap leak, a steady one) watched together for 40 s by the real CLI
/// with default settings (5 s interval, no inspector). One fixture runs the watch once; each test checks one verdict.
/// </summary>
public sealed class WatchClassificationFixture : IAsyncLifetime
{
    private readonly List<NodeProgram> _nodes = [];
    private readonly TempDirectory _dir = new();

    public async Task InitializeAsync()
    {
        try
        {
            foreach (var script in new[] { "js-heap-leak.js", "off-heap-leak.js", "steady.js" })
            {
                var node = new NodeProgram(script);
                _nodes.Add(node);
                (await node.ReadLineAsync()).ShouldBe("ready");
            }
            Pids = _nodes.Select(n => n.Pid).ToArray();
            var args = new List<string> { "watch", "--duration", "40s", "--json", "--db", _dir.File("watch.db") };
            foreach (var pid in Pids) { args.Add("--pid"); args.Add(pid.ToString()); }
            var watch = await HeapdogCommand.RunAsync(_dir.Path, args, timeout: TimeSpan.FromSeconds(90));
            ExitCode = watch.ExitCode;
            Stderr = watch.Stderr;
            Report = JsonDocument.Parse(watch.Stdout);
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

    public JsonElement ProcessReport(int pid) => Report.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == pid);

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
        p.GetProperty("samples").GetProperty("count").GetInt64().ShouldBe(9);
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
