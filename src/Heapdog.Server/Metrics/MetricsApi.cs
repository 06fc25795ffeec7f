using System.Globalization;
using System.Text;
using Heapdog.Monitoring.Store;
using Heapdog.Monitoring;
using Heapdog.Server.Fleet;
using Heapdog.Server.Processes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Metrics;

/// <summary>
/// <c>/metrics</c> in Prometheus' text format (0.0.4), with the names prom-client and the Node exporters already use
/// for the same figures, so existing dashboards and alerts work unchanged, and <c>heapdog_*</c> names for what those
/// lack. One series per watched process, labelled <c>pid</c>, <c>app</c> (the pm2 name, else the process name) and
/// <c>host</c> (the server's own name for its processes, the agent's for those of the fleet, docs/fleet.md).
/// A figure that was not measured is left out rather than reported as 0. docs/serve.md lists every metric.
/// </summary>
public static class MetricsApi
{
    private sealed record Metric(string Name, string Type, string Help, Func<Sample, double?> Value);

    private static readonly Metric[] PerSample =
    [
        new("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", s => Known(s.Rss)),
        new("process_open_fds", "gauge", "Number of open file descriptors.", s => Known(s.OpenFds)),
        new("nodejs_heap_size_used_bytes", "gauge", "Process heap size used from Node.js in bytes.", s => Known(s.HeapUsed)),
        new("nodejs_heap_size_total_bytes", "gauge", "Process heap size from Node.js in bytes.", s => Known(s.HeapTotal)),
        new("nodejs_external_memory_bytes", "gauge", "Node.js external memory size in bytes.", s => Known(s.External)),
        new("heapdog_array_buffers_bytes", "gauge", "Memory of ArrayBuffers and SharedArrayBuffers (including Buffers), in bytes.", s => Known(s.ArrayBuffers)),
        new("heapdog_heap_limit_bytes", "gauge", "V8's heap size limit (heap_size_limit), in bytes.", s => Known(s.HeapLimit)),
        new("heapdog_heap_used_ratio", "gauge", "Heap used divided by V8's heap size limit.",
            s => s.HeapUsed >= 0 && s.HeapLimit > 0 ? (double)s.HeapUsed / s.HeapLimit : null),
        new("heapdog_v8_heap_resident_bytes", "gauge", "Resident memory of V8's heap pages, read from the address space without the inspector.", s => Known(s.V8Heap)),
        new("heapdog_native_resident_bytes", "gauge", "Anonymous resident memory outside V8's heap (Buffers, native addons, allocator), in bytes.", s => Known(s.Native)),
        new("heapdog_cgroup_memory_usage_bytes", "gauge", "Memory usage of the process's cgroup, in bytes.", s => Known(s.CgroupUsage)),
        new("heapdog_cgroup_memory_limit_bytes", "gauge", "Memory limit of the process's cgroup, in bytes.", s => Known(s.CgroupLimit)),
        new("heapdog_oom_score", "gauge", "The kernel's OOM score of the process (/proc/PID/oom_score): who it kills first.", s => Known(s.OomScore)),
        new("heapdog_cpu_percent", "gauge", "CPU use over the last sampling interval, percent of one core.", s => s.CpuPercent >= 0 ? s.CpuPercent : null),
    ];

    /// <summary>One process as its series show it: its labels, last sample, whether it exited, and its growth trends.</summary>
    private sealed record Row(long Id, int Pid, string App, string Host, Sample? Last, bool Exited, IReadOnlyList<(string Series, double Slope)> Growth);

    public static void MapMetrics(this IEndpointRouteBuilder app, IDashboardStore store, LiveProcesses live, FleetState fleet) =>
        app.MapGet("/metrics", () => TypedResults.Text(Render(store, live, fleet), "text/plain; version=0.0.4; charset=utf-8"))
            .Produces<string>(StatusCodes.Status200OK, "text/plain")
            .WithTags("metrics").WithSummary("Prometheus text format");

    /// <summary>The processes a watcher of <paramref name="host"/> samples itself.</summary>
    private static List<Row> LocalRows(LiveProcesses live, string host) =>
        [.. live.Current.Values.OrderBy(p => p.Process.Id).Select(p => new Row(p.Process.Id, p.Process.Identity.Pid, p.Process.Pm2Name ?? p.Process.Name,
            host, p.Last, p.Exited,
            p.Verdict is { } v ? [.. v.Series.Where(s => s.Trend is not null).Select(s => (s.Series, s.SlopeBytesPerHour))] : []))];

    /// <summary>The server's own processes, then those its agents reported running.</summary>
    private static List<Row> Rows(IDashboardStore store, LiveProcesses live, FleetState fleet)
    {
        var rows = LocalRows(live, fleet.LocalHost);
        var verdicts = fleet.Store.Verdicts();
        long since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - (long)FleetState.RunningFor.TotalMilliseconds;
        foreach (var p in store.Processes().Where(p => p.Host.Length > 0 && p.LastSeenMs >= since).OrderBy(p => p.Process.Id))
        {
            var growth = verdicts.TryGetValue(p.Process.Id, out string? json) && FleetApi.VerdictOf(json) is { } shipped
                ? shipped.Series.Where(s => s.SlopeBytesPerHour is not null).Select(s => (s.Name, s.SlopeBytesPerHour!.Value)).ToList()
                : [];
            bool exited = store.Events(p.Process.Id, 0, long.MaxValue, [EventKind.Exited, EventKind.ExitedOomKill]).Count > 0;
            rows.Add(new Row(p.Process.Id, p.Process.Identity.Pid, p.Process.Pm2Name ?? p.Process.Name, p.Host, store.LatestSample(p.Process.Id), exited, growth));
        }
        return rows;
    }

    public static string Render(IDashboardStore store, LiveProcesses live, FleetState fleet) =>
        Render(Rows(store, live, fleet), store.Events(null, 0, long.MaxValue, ProcessesApi.OomKinds)
            .Where(e => e.ProcessId is not null).GroupBy(e => e.ProcessId!.Value).ToDictionary(g => g.Key, g => g.Count()));

    /// <summary>An agent's own metrics (<c>heapdog agent --metrics-port</c>): its host's processes, without the OOM kill
    /// counter, which the agent cannot keep (its events leave the buffer once shipped; the server's /metrics has it).</summary>
    public static string Render(LiveProcesses live, string host) => Render(LocalRows(live, host), kills: null);

    private static string Render(List<Row> processes, Dictionary<long, int>? kills)
    {
        var text = new StringBuilder();
        foreach (var metric in PerSample)
        {
            Header(text, metric.Name, metric.Type, metric.Help);
            foreach (var p in processes)
                if (!p.Exited && p.Last is { } s && metric.Value(s) is double value)
                    Line(text, metric.Name, p, value);
        }
        Header(text, "heapdog_process_up", "gauge", "1 while the watched process runs, 0 once it has exited.");
        foreach (var p in processes) Line(text, "heapdog_process_up", p, p.Exited ? 0 : 1);

        Header(text, "heapdog_memory_growth_bytes_per_hour", "gauge", "Trend of a memory series over the verdict window (Theil-Sen slope), bytes per hour.");
        foreach (var p in processes)
            if (!p.Exited)
                foreach (var (series, slope) in p.Growth)
                    Line(text, "heapdog_memory_growth_bytes_per_hour", p, slope, ("series", series));

        if (kills is not null)
        {
            Header(text, "heapdog_oom_kills_total", "counter", "Deaths of the process for lack of memory: the kernel's OOM killer or V8's heap limit.");
            foreach (var p in processes) Line(text, "heapdog_oom_kills_total", p, kills.GetValueOrDefault(p.Id));
        }

        Header(text, "heapdog_watched_processes", "gauge", "Processes the server samples now.");
        text.Append("heapdog_watched_processes ").Append(processes.Count(p => !p.Exited).ToString(CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    private static double? Known(long value) => value >= 0 ? value : null;

    private static void Header(StringBuilder text, string name, string type, string help) =>
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');

    private static void Line(StringBuilder text, string name, Row p, double value, (string Name, string Value)? extra = null)
    {
        text.Append(name).Append("{pid=\"").Append(p.Pid.ToString(CultureInfo.InvariantCulture))
            .Append("\",app=\"").Append(Escape(p.App)).Append("\",host=\"").Append(Escape(p.Host)).Append('"');
        if (extra is { } e) text.Append(',').Append(e.Name).Append("=\"").Append(Escape(e.Value)).Append('"');
        text.Append("} ").Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
    }

    /// <summary>Label values escape backslash, double quote and line feed (the exposition format's rule).</summary>
    private static string Escape(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");
}
