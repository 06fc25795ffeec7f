using Heapdog.Monitoring.Store;
using Heapdog.Monitoring;
using Heapdog.Processes;
using Heapdog.Server.Hosting;
using Heapdog.Workflows.Reports.Watch;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Processes;

/// <summary>Processes, their samples (bucketed for charts) and events (docs/api.md).</summary>
public static class ProcessesApi
{
    /// <summary>Event kinds that mean the process died for lack of memory.</summary>
    public static readonly IReadOnlyList<string> OomKinds = EventKind.OutOfMemory;
    private const long Hour = 3_600_000;
    private const int DefaultPoints = 600, MaxPoints = 5000;
    /// <summary>The last millisecond of year 9999: times beyond it are no time (and would overflow the arithmetic on them).</summary>
    private static readonly long MaxTimeMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    public static void MapProcesses(this IEndpointRouteBuilder app, IDashboardStore store, LiveProcesses live)
    {
        var api = app.MapGroup("/api").WithTags("processes");
        api.MapGet("/processes", Ok<List<ProcessView>> () => TypedResults.Ok(All(store, live))).WithSummary("Every watched process, alive first");

        api.MapGet("/processes/{id:digits}", Results<Ok<ProcessView>, ProblemHttpResult> (long id) =>
        {
            var p = store.Processes(id).FirstOrDefault();
            return p is null ? NoProcess(id) : TypedResults.Ok(ViewOf(store, live, p));
        }).WithSummary("One process");

        api.MapGet("/processes/{id:digits}/samples", Results<Ok<ProcessSeries>, ProblemHttpResult> (long id, long? from, long? to, int? points) =>
        {
            if (store.Processes(id).Count == 0) return NoProcess(id);
            long end = to ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            long start = from ?? end - Hour;
            int n = points ?? DefaultPoints;
            if (start >= end) return Problems.BadRequest($"from ({start}) must be before to ({end})");
            return TypedResults.Ok(ProcessSeries.Of(store.Series(id, start, end, n)));
        }).InRange("from", 0, MaxTimeMs).InRange("to", 0, MaxTimeMs).InRange("points", 1, MaxPoints)
          .WithSummary("Samples of a process over a time range, bucketed to at most `points` points (max of memory figures per bucket)");

        api.MapGet("/processes/{id:digits}/events", Results<Ok<List<ProcessEvent>>, ProblemHttpResult> (long id, long? from, long? to) =>
            store.Processes(id).Count == 0 ? NoProcess(id) : TypedResults.Ok(EventsOf(store.Events(id, from ?? 0, to ?? long.MaxValue))))
            .InRange("from", 0, MaxTimeMs).InRange("to", 0, MaxTimeMs).WithSummary("Events of a process: exits, OOM kills, snapshots");

        api.MapGet("/events", Ok<List<ProcessEvent>> (long? from, long? to, [FromQuery] string[]? kind = null) =>
            TypedResults.Ok(EventsOf(store.Events(null, from ?? 0, to ?? long.MaxValue, kind))))
            .InRange("from", 0, MaxTimeMs).InRange("to", 0, MaxTimeMs).WithSummary("Events of every process; `kind` filters (repeatable)");
    }

    public static ProblemHttpResult NoProcess(long id) => Problems.NotFound($"no process {id} in the store");

    /// <summary>Every watched process, alive first, then the most recently seen.</summary>
    public static List<ProcessView> All(IDashboardStore store, LiveProcesses live)
    {
        var current = live.Current;
        return [.. store.Processes()
            .OrderByDescending(p => IsAlive(current, p.Process.Id)).ThenByDescending(p => p.LastSeenMs)
            .Select(p => ViewOf(store, live, p))];
    }

    private static bool IsAlive(IReadOnlyDictionary<long, LiveProcess> current, long id) => current.TryGetValue(id, out var l) && !l.Exited;

    private static ProcessView ViewOf(IDashboardStore store, LiveProcesses watcher, StoredProcess stored)
    {
        var p = stored.Process;
        var live = watcher.Current.GetValueOrDefault(p.Id);
        var verdict = live is null ? watcher.PastVerdict(store, stored) : live.Verdict;
        var last = live?.Last ?? store.LatestSample(p.Id);
        var oom = store.Events(p.Id, 0, long.MaxValue, OomKinds);
        return new ProcessView(p.Id, p.Identity.Pid, p.Name, p.Pm2Name, p.CommandLine, p.StartTimeMs, stored.FirstSeenMs, stored.LastSeenMs,
            live is { Exited: false }, live is { Exited: true } ? live.ExitedAtMs : null, live?.OomKillSuspected ?? false,
            last is null ? null : ProcessSample.Of(last),
            LimitOf(last) is { } limit ? new ProcessLimit(limit.Bytes, limit.Kind) : null,
            verdict is null ? null : WatchVerdict.From(verdict),
            oom.Count > 0 ? ProcessEvent.Of(oom[^1]) : null);
    }

    private static List<ProcessEvent> EventsOf(IReadOnlyList<StoredEvent> events) => [.. events.Select(ProcessEvent.Of)];

    /// <summary>The limit the process meets first: V8's heap limit when known, else its cgroup's, else the host's memory.</summary>
    public static (long Bytes, string Kind)? LimitOf(Sample? s)
    {
        if (s is { HeapLimit: > 0 }) return (s.HeapLimit, "heap");
        long host = HostMemory.Read()?.TotalBytes ?? -1;
        if (s is { CgroupLimit: > 0 } && (host <= 0 || s.CgroupLimit < host)) return (s.CgroupLimit, "cgroup");
        return host > 0 ? (host, "host") : null;
    }
}
