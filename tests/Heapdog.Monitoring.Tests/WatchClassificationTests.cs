using System.Diagnostics;
using System.Text.Json;

namespace Heapdog.Monitoring.Tests;

/// <summary>
/// Three real Node programs (a JS heap leak, an off-heap leak, a steady one) watched together for 40 s by the real CLI
/// with default settings (5 s interval, no inspector). One fixture runs the watch once; each test checks one verdict.
/// </summary>
public sealed class WatchClassificationFixture : IDisposable
{
    private readonly List<Process> _nodes = [];
    private readonly TempDir _dir = new();

    public WatchClassificationFixture()
    {
        try
        {
            foreach (var script in new[] { "js-heap-leak.js", "off-heap-leak.js", "steady.js" }) _nodes.Add(Children.Node(script));
            Pids = _nodes.Select(n => n.Id).ToArray();
            var args = new List<string> { "watch", "--duration", "40s", "--json", "--db", _dir.File("watch.db") };
            foreach (var pid in Pids) { args.Add("--pid"); args.Add(pid.ToString()); }
            using var watch = Children.Heapdog([.. args]);
            var stdout = watch.StandardOutput.ReadToEndAsync();
            var stderr = watch.StandardError.ReadToEndAsync();
            if (!watch.WaitForExit(TimeSpan.FromSeconds(90))) { Children.Kill(watch); throw new TimeoutException("watch did not end"); }
            ExitCode = watch.ExitCode;
            Stderr = stderr.Result;
            Report = JsonDocument.Parse(stdout.Result);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int[] Pids { get; } = [];
    public int ExitCode { get; }
    public string Stderr { get; } = "";
    public JsonDocument Report { get; } = JsonDocument.Parse("{}");

    public JsonElement ProcessReport(int pid) => Report.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == pid);

    public void Dispose()
    {
        foreach (var n in _nodes) Children.Kill(n);
        _dir.Dispose();
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
