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

    public static void MapProcesses(this IEndpointRouteBuilder app, IDashboardStore store, LiveProcesses live, Fleet.FleetState fleet)
    {
        var api = app.MapGroup("/api").WithTags("processes");
        api.MapGet("/processes", Ok<List<ProcessView>> (string? host, string? container, string? pod, string? app, string? verdict, bool? alive) =>
            TypedResults.Ok(All(store, live, fleet, new ProcessFilter(host, container, pod, app, verdict, alive))))
            .WithSummary("Every watched process of every host, alive first; `host`, `container`, `pod`, `app` (pm2 or process name), " +
                         "`verdict` (growing, steady, noisy, collecting) and `alive` filter (`verdict=growing&alive=true`: what leaks right now)");

        api.MapGet("/processes/{id:digits}", Results<Ok<ProcessView>, ProblemHttpResult> (long id) =>
        {
            var p = store.Processes(id).FirstOrDefault();
            return p is null ? NoProcess(id) : TypedResults.Ok(ViewOf(store, live, fleet, fleet.Store.Verdicts(), p));
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

    /// <summary>Every watched process of every host that passes <paramref name="filter"/>, alive first, then the most
    /// recently seen.</summary>
    public static List<ProcessView> All(IDashboardStore store, LiveProcesses live, Fleet.FleetState fleet, ProcessFilter? filter = null)
    {
        var verdicts = fleet.Store.Verdicts();
        return [.. store.Processes()
            .Where(p => filter is null || filter.Keeps(fleet.HostOf(p), p))
            .Select(p => ViewOf(store, live, fleet, verdicts, p))
            .Where(v => filter is null || filter.Keeps(v))
            .OrderByDescending(v => v.Alive).ThenByDescending(v => v.LastSeenMs)];
    }

    private static ProcessView ViewOf(IDashboardStore store, LiveProcesses watcher, Fleet.FleetState fleet, IReadOnlyDictionary<long, string> shipped,
        StoredProcess stored)
    {
        var p = stored.Process;
        var oom = store.Events(p.Id, 0, long.MaxValue, OomKinds);
        if (stored.Host.Length > 0) return RemoteViewOf(store, fleet, shipped, stored, oom);
        var live = watcher.Current.GetValueOrDefault(p.Id);
        var verdict = live is null ? watcher.PastVerdict(store, stored) : live.Verdict;
        var last = live?.Last ?? store.LatestSample(p.Id);
        return new ProcessView(p.Id, p.Identity.Pid, p.Name, p.Pm2Name, p.CommandLine, p.StartTimeMs, stored.FirstSeenMs, stored.LastSeenMs,
            live is { Exited: false }, live is { Exited: true } ? live.ExitedAtMs : null, live?.OomKillSuspected ?? false,
            last is null ? null : ProcessSample.Of(last),
            LimitOf(last) is { } limit ? new ProcessLimit(limit.Bytes, limit.Kind) : null,
            verdict is null ? null : WatchVerdict.From(verdict),
            oom.Count > 0 ? ProcessEvent.Of(oom[^1]) : null,
            fleet.LocalHost, stored.Container, stored.Pod);
    }

    /// <summary>A process an agent reports: running while its agent sent a sample of it within <see cref="Fleet.FleetState.RunningFor"/>
    /// and no exit; its verdict the one the agent shipped; its limit from its own sample (the server does not know its
    /// host's memory).</summary>
    private static ProcessView RemoteViewOf(IDashboardStore store, Fleet.FleetState fleet, IReadOnlyDictionary<long, string> shipped, StoredProcess stored,
        IReadOnlyList<StoredEvent> oom)
    {
        var p = stored.Process;
        var exit = store.Events(p.Id, 0, long.MaxValue, [EventKind.Exited, EventKind.ExitedOomKill]);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        bool alive = exit.Count == 0 && stored.LastSeenMs >= now - (long)Fleet.FleetState.RunningFor.TotalMilliseconds;
        var last = store.LatestSample(p.Id);
        (long Bytes, string Kind)? limit = last is { HeapLimit: > 0 } ? (last.HeapLimit, "heap") : last is { CgroupLimit: > 0 } ? (last.CgroupLimit, "cgroup") : null;
        return new ProcessView(p.Id, p.Identity.Pid, p.Name, p.Pm2Name, p.CommandLine, p.StartTimeMs, stored.FirstSeenMs, stored.LastSeenMs,
            alive, exit.Count > 0 ? exit[^1].TimeMs : null, exit.Count > 0 && exit[^1].Kind == EventKind.ExitedOomKill,
            last is null ? null : ProcessSample.Of(last),
            limit is { } l ? new ProcessLimit(l.Bytes, l.Kind) : null,
            shipped.TryGetValue(p.Id, out string? json) ? Fleet.FleetApi.VerdictOf(json) : null,
            oom.Count > 0 ? ProcessEvent.Of(oom[^1]) : null,
            stored.Host, stored.Container, stored.Pod);
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
