using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>The dashboard as a whole: a watched service through the API, /metrics, the OpenAPI document and the UI. A real server in-process (<see cref="DashboardApplication"/>), a real SQLite file, real Node processes.</summary>
[Collection(SnapshotCollection.Name)]
public sealed partial class DashboardHostTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    [Fact]
    public async Task Serve_WatchedService_ListsItWithSamplesAndMetrics()
    {
        using var target = new NodeProgram("healthy-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid, interval: TimeSpan.FromMilliseconds(300));

        var processes = await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1 && p[0].GetProperty("last").ValueKind == JsonValueKind.Object);
        var process = processes[0];
        process.GetProperty("pid").GetInt32().ShouldBe(target.Pid);
        process.GetProperty("alive").GetBoolean().ShouldBeTrue();
        process.GetProperty("last").GetProperty("rss").GetInt64().ShouldBeGreaterThan(1 << 20);
        process.GetProperty("limit").GetProperty("bytes").GetInt64().ShouldBeGreaterThan(0);
        long id = process.GetProperty("id").GetInt64();

        // 5000 points over the default hour: 720 ms buckets, so a few samples at 300 ms make several points.
        var series = await server.WaitForAsync($"api/processes/{id}/samples?points=5000", s => s.GetProperty("points").GetInt32() >= 4);
        var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
        columns[0].ShouldBe("timeMs");
        var rss = series.GetProperty("values")[columns.IndexOf("rss")].EnumerateArray().ToList();
        rss.Count.ShouldBe(series.GetProperty("points").GetInt32());
        rss.ShouldAllBe(v => v.ValueKind == JsonValueKind.Number && v.GetInt64() > 0);
        var times = series.GetProperty("values")[0].EnumerateArray().Select(t => t.GetInt64()).ToList();
        times.ShouldBe(times.Order().ToList());

        string metrics = await server.Http.GetStringAsync("metrics");
        metrics.ShouldMatch($"process_resident_memory_bytes\\{{pid=\"{target.Pid}\",app=\"node\",host=\"{Environment.MachineName}\"\\}} [1-9][0-9]*\n");
        metrics.ShouldContain($"heapdog_process_up{{pid=\"{target.Pid}\",app=\"node\",host=\"{Environment.MachineName}\"}} 1");
        metrics.ShouldContain($"heapdog_oom_kills_total{{pid=\"{target.Pid}\",app=\"node\",host=\"{Environment.MachineName}\"}} 0");
        foreach (var line in metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            ExpositionLine().IsMatch(line).ShouldBeTrue($"not Prometheus text: {line}");

        var openApi = await server.GetJsonAsync("openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.ShouldContain("/api/processes/{id}/samples");
        paths.ShouldContain("/api/snapshots/{id}/summary");
        paths.ShouldContain("/api/jobs/{id}");

        string page = await server.Http.GetStringAsync("");
        page.ShouldContain("<div id=\"app\">");
        (await server.Http.GetAsync("api/nothing-here")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("""^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\n]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\n]*")*\})? -?[0-9.e+E-]+)$""")]
    private static partial Regex ExpositionLine();
}
