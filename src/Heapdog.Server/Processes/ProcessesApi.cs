using System.Text.Json;
using Heapdog.Monitoring.Store;
using Heapdog.Monitoring;
using Heapdog.Processes;
using Heapdog.Server.Actions;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Server.Metrics;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Watch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Processes;

/// <summary>Processes, their samples (bucketed for charts) and events (docs/api.md).</summary>
public static class ProcessesApi
{
    /// <summary>Event kinds that mean the process died for lack of memory.</summary>
    public static readonly IReadOnlyList<string> OomKinds = EventKind.OutOfMemory;
    private const long Hour = 3_600_000;
    private const int DefaultPoints = 600, MaxPoints = 5000;

    public static void MapProcesses(this IEndpointRouteBuilder app, DashboardStore store, LiveProcesses live)
    {
        var api = app.MapGroup("/api").WithTags("processes");
        api.MapGet("/processes", () => JsonResults.Of(w =>
        {
            var processes = store.Processes();
            var current = live.Current;
            w.WriteStartArray();
            foreach (var p in processes.OrderByDescending(p => IsAlive(current, p.Process.Id)).ThenByDescending(p => p.LastSeenMs))
                WriteProcess(w, store, p, current.GetValueOrDefault(p.Process.Id));
            w.WriteEndArray();
        })).WithSummary("Every watched process, alive first");

        api.MapGet("/processes/{id:long}", (long id) =>
        {
            var p = store.Processes(id).FirstOrDefault();
            return p is null ? NoProcess(id) : JsonResults.Of(w => WriteProcess(w, store, p, live.Current.GetValueOrDefault(id)));
        }).WithSummary("One process");

        api.MapGet("/processes/{id:long}/samples", (long id, long? from, long? to, int? points) =>
        {
            if (store.Processes(id).Count == 0) return NoProcess(id);
            long end = to ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long start = from ?? end - Hour;
            int n = points ?? DefaultPoints;
            if (start >= end) return Problems.BadRequest($"from ({start}) must be before to ({end})");
            if (n is < 1 or > MaxPoints) return Problems.BadRequest($"points must be between 1 and {MaxPoints}, got {n}");
            var series = store.Series(id, start, end, n);
            return JsonResults.Of(w => WriteSeries(w, series));
        }).WithSummary("Samples of a process over a time range, bucketed to at most `points` points (max of memory figures per bucket)");

        api.MapGet("/processes/{id:long}/events", (long id, long? from, long? to) =>
            store.Processes(id).Count == 0 ? NoProcess(id)
                : JsonResults.Of(w => WriteEvents(w, store.Events(id, from ?? 0, to ?? long.MaxValue))))
            .WithSummary("Events of a process: exits, OOM kills, snapshots");

        api.MapGet("/events", (long? from, long? to, string[]? kind) =>
            JsonResults.Of(w => WriteEvents(w, store.Events(null, from ?? 0, to ?? long.MaxValue, kind))))
            .WithSummary("Events of every process; `kind` filters (repeatable)");
    }

    public static IResult NoProcess(long id) => Problems.NotFound($"no process {id} in the store");

    private static bool IsAlive(IReadOnlyDictionary<long, LiveProcess> current, long id) => current.TryGetValue(id, out var l) && !l.Exited;

    private static void WriteProcess(Utf8JsonWriter w, DashboardStore store, StoredProcess stored, LiveProcess? live)
    {
        var p = stored.Process;
        var last = live?.Last ?? store.LatestSample(p.Id);
        w.WriteStartObject();
        w.WriteNumber("id", p.Id);
        w.WriteNumber("pid", p.Identity.Pid);
        w.WriteString("name", p.Name);
        if (p.Pm2Name is not null) w.WriteString("pm2Name", p.Pm2Name); else w.WriteNull("pm2Name");
        w.WriteString("commandLine", p.CommandLine);
        w.WriteNumber("startTimeMs", p.StartTimeMs);
        w.WriteNumber("firstSeenMs", stored.FirstSeenMs);
        w.WriteNumber("lastSeenMs", stored.LastSeenMs);
        w.WriteBoolean("alive", live is { Exited: false });
        if (live is { Exited: true }) w.WriteNumber("exitedAtMs", live.ExitedAtMs); else w.WriteNull("exitedAtMs");
        w.WriteBoolean("oomKillSuspected", live?.OomKillSuspected ?? false);
        w.WritePropertyName("last");
        if (last is null) w.WriteNullValue(); else WriteSample(w, last);
        w.WritePropertyName("limit");
        WriteLimit(w, last);
        if (live?.Verdict is { } verdict) WatchJsonReport.WriteVerdict(w, verdict); else w.WriteNull("verdict");
        var oom = store.Events(p.Id, 0, long.MaxValue, OomKinds);
        w.WritePropertyName("lastOom");
        if (oom.Count > 0) WriteEvent(w, oom[^1]); else w.WriteNullValue();
        w.WriteEndObject();
    }

    /// <summary>One sample with the columns of a series, one value each.</summary>
    private static void WriteSample(Utf8JsonWriter w, Sample s)
    {
        w.WriteStartObject();
        w.WriteNumber("timeMs", s.TimeMs);
        Figure(w, "rss", s.Rss);
        Figure(w, "heapUsed", s.HeapUsed);
        Figure(w, "heapTotal", s.HeapTotal);
        Figure(w, "v8Heap", s.V8Heap);
        Figure(w, "native", s.Native);
        Figure(w, "external", s.External);
        Figure(w, "arrayBuffers", s.ArrayBuffers);
        Figure(w, "heapLimit", s.HeapLimit);
        Figure(w, "cgroupUsage", s.CgroupUsage);
        Figure(w, "cgroupLimit", s.CgroupLimit);
        Figure(w, "oomScore", s.OomScore);
        if (s.CpuPercent >= 0) w.WriteNumber("cpuPercent", Math.Round(s.CpuPercent, 2)); else w.WriteNull("cpuPercent");
        w.WriteEndObject();
    }

    private static void Figure(Utf8JsonWriter w, string name, long value)
    {
        if (value >= 0) w.WriteNumber(name, value); else w.WriteNull(name);
    }

    /// <summary>The limit the process meets first: V8's heap limit when known, else its cgroup's, else the host's memory.</summary>
    public static (long Bytes, string Kind)? LimitOf(Sample? s)
    {
        if (s is { HeapLimit: > 0 }) return (s.HeapLimit, "heap");
        long host = HostMemory.Read()?.TotalBytes ?? -1;
        if (s is { CgroupLimit: > 0 } && (host <= 0 || s.CgroupLimit < host)) return (s.CgroupLimit, "cgroup");
        return host > 0 ? (host, "host") : null;
    }

    private static void WriteLimit(Utf8JsonWriter w, Sample? s)
    {
        if (LimitOf(s) is not { } limit)
        {
            w.WriteNullValue();
            return;
        }
        w.WriteStartObject();
        w.WriteNumber("bytes", limit.Bytes);
        w.WriteString("kind", limit.Kind);
        w.WriteEndObject();
    }

    private static void WriteSeries(Utf8JsonWriter w, SampleSeries series)
    {
        w.WriteStartObject();
        w.WriteNumber("processId", series.ProcessId);
        w.WriteNumber("fromMs", series.FromMs);
        w.WriteNumber("toMs", series.ToMs);
        w.WriteNumber("stepMs", series.StepMs);
        w.WriteNumber("points", series.Times.Count);
        w.WriteStartArray("columns");
        w.WriteStringValue("timeMs");
        foreach (var (name, _) in DashboardStore.SeriesColumns) w.WriteStringValue(name);
        w.WriteEndArray();
        w.WriteStartArray("values");
        w.WriteStartArray();
        foreach (long t in series.Times) w.WriteNumberValue(t);
        w.WriteEndArray();
        for (int c = 0; c < series.Values.Length; c++)
        {
            bool real = DashboardStore.SeriesColumns[c].Name == "cpuPercent";
            w.WriteStartArray();
            foreach (var v in series.Values[c])
            {
                if (v is not double d) w.WriteNullValue();
                else if (real) w.WriteNumberValue(Math.Round(d, 2));
                else w.WriteNumberValue((long)d);
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteEvents(Utf8JsonWriter w, IReadOnlyList<StoredEvent> events)
    {
        w.WriteStartArray();
        foreach (var e in events) WriteEvent(w, e);
        w.WriteEndArray();
    }

    private static void WriteEvent(Utf8JsonWriter w, StoredEvent e)
    {
        w.WriteStartObject();
        w.WriteNumber("id", e.Id);
        if (e.ProcessId is long p) w.WriteNumber("processId", p); else w.WriteNull("processId");
        w.WriteNumber("timeMs", e.TimeMs);
        w.WriteString("kind", e.Kind);
        w.WritePropertyName("detail");
        // Details are JSON written by Heapdog; anything else (an old or hand-edited store) is passed on as a string.
        try
        {
            using var doc = JsonDocument.Parse(e.Detail);
            doc.RootElement.WriteTo(w);
        }
        catch (JsonException)
        {
            w.WriteStringValue(e.Detail);
        }
        w.WriteEndObject();
    }
}
