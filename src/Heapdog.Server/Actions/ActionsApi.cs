using System.Text.Json;
using System.Text.Json.Nodes;
using Heapdog.Inspector;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Heapdog.Server.Fleet;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Sampling;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Heapdog.Server.Actions;

/// <summary>What the dashboard does to a live process (snapshot, hunt, sample), each as a job (docs/api.md), through
/// the same workflows as <c>heapdog snapshot</c>, <c>hunt</c> and <c>sample</c>. The target is reached the way the
/// commands reach it: its inspector on loopback, opened with SIGUSR1 when needed and closed again afterwards.</summary>
public static class ActionsApi
{
    private const int HuntTop = 10, SampleTop = 30;
    private static readonly TimeSpan MaxSampling = TimeSpan.FromMinutes(10), MaxHuntInterval = TimeSpan.FromHours(1), MinDuration = TimeSpan.FromMilliseconds(100);

    public static void MapActions(this IEndpointRouteBuilder app, IDashboardStore store, LiveProcesses live, SnapshotLibrary library, JobBoard jobs,
        InspectorSessions sessions, Fleet.FleetState fleet)
    {
        // A process another host's agent reports is acted on there (docs/fleet.md); null for one of this host.
        Results<Accepted<JobAccepted>, ProblemHttpResult>? Remote(long id, string kind, Func<long, int, long, AgentJob> request)
        {
            if (live.Current.ContainsKey(id) || store.Processes(id).FirstOrDefault() is not { Host.Length: > 0 } target) return null;
            return JobsApi.Accepted(RemoteActions.Start(fleet, jobs, library, store, target, kind,
                jobId => request(jobId, target.Process.Identity.Pid, target.Process.StartTimeMs)));
        }

        var api = app.MapGroup("/api").WithTags("actions").WithProblems();

        api.MapPost("/processes/{id:digits}/snapshot", Results<Accepted<JobAccepted>, ProblemHttpResult> (long id) => Remote(id, "capture", (job, pid, start) => new AgentJob(job, "capture", pid, start, 0, 0, false, 0))
            ?? WithLiveProcess(live, id, (identity, processId) =>
            jobs.Start("capture", processId, async (job, ct) =>
            {
                var record = await sessions.UseAsync(processId, identity, new JobProgress(job), target =>
                    CaptureAsync(target, identity.Pid, processId, "capture", library, store, job, new JobProgress(job, 0.05, 0.5), ct), ct);
                library.Analyze(record, job, ct, 0.5, 1);
                return JsonSerializer.Serialize(new CaptureResult(record.Id), ServerJsonContext.Default.CaptureResult);
            }))).WithSummary("Take a heap snapshot of a live process, then analyse it");

        api.MapPost("/processes/{id:digits}/hunt", Results<Accepted<JobAccepted>, ProblemHttpResult> (long id, int? count, string? interval, bool? allocations) =>
        {
            int n = count ?? 3;
            TimeSpan every;
            try { every = DurationText.Parse(interval ?? "10s", "interval"); }
            catch (HeapdogException e) { return Problems.Of(e); }
            return Remote(id, "hunt", (job, pid, start) => new AgentJob(job, "hunt", pid, start, n, (long)every.TotalMilliseconds, allocations ?? false, 0))
                ?? WithLiveProcess(live, id, (identity, processId) => jobs.Start("hunt", processId, async (job, ct) =>
            {
                double share = 0.6 / n;
                var records = await sessions.UseAsync(processId, identity, new JobProgress(job), target =>
                    HuntSeries.CaptureTrackedAsync(target, allocations ?? false, n, every, (i, stopTracking) => CaptureAsync(target, identity.Pid,
                        processId, "hunt", library, store, job, new JobProgress(job, share * i + share * 0.2, share * (i + 1)), ct, stopTracking),
                        new JobProgress(job, 0, 0.6), ct), ct);
                var report = SnapshotsApi.Report(library, records, HuntTop, job, ct, 0.6, 1, identity.Pid);
                return ReportJson.Serialize(report, HeapdogJsonContext.Default.LeaksResult);
            }));
        }).InRange("count", HuntSeries.MinSnapshots, HuntSeries.MaxSnapshots).DurationInRange("interval", MinDuration, MaxHuntInterval)
          .WithSummary("Take `count` snapshots `interval` apart and report what leaks (heapdog hunt --json); `allocations=true` tracks allocations meanwhile (heapdog hunt --allocations)");

        api.MapPost("/processes/{id:digits}/sample", Results<Accepted<JobAccepted>, ProblemHttpResult> (long id, string? duration) =>
        {
            TimeSpan length;
            try { length = DurationText.Parse(duration ?? "10s", "duration"); }
            catch (HeapdogException e) { return Problems.Of(e); }
            return Remote(id, "sample", (job, pid, start) => new AgentJob(job, "sample", pid, start, 0, 0, false, (long)length.TotalMilliseconds))
                ?? WithLiveProcess(live, id, (identity, processId) => jobs.Start("sample", processId, async (job, ct) =>
            {
                string path = Path.ChangeExtension(library.NewPath($"pid{identity.Pid}"), ".heapprofile");
                var sampled = await sessions.UseAsync(processId, identity, new JobProgress(job), target =>
                    AllocationSampling.RunAsync(target, length, HeapSampler.DefaultInterval, path, overwrite: false, new JobProgress(job, 0.05, 0.95), ct), ct);
                return ReportJson.Serialize(SampleResult.Build(identity.Pid, sampled, SampleTop, path), HeapdogJsonContext.Default.SampleResult);
            }));
        }).DurationInRange("duration", MinDuration, MaxSampling).WithSummary("Sample allocations of a live process (heapdog sample --json)");
    }

    private static Results<Accepted<JobAccepted>, ProblemHttpResult> WithLiveProcess(LiveProcesses live, long id, Func<ProcessIdentity, long, Job> start)
    {
        if (!live.Current.TryGetValue(id, out var process))
            return Problems.NotFound($"process {id} is not being watched by this server");
        if (process.Exited)
            return Problems.Of(StatusCodes.Status409Conflict, $"process {id} (pid {process.Process.Identity.Pid}) has exited", ErrorKind.ProcessUnavailable);
        return JobsApi.Accepted(start(process.Process.Identity, id));
    }

    /// <summary>One snapshot into the library, with the same safety checks as <c>heapdog snapshot</c>, recorded as an
    /// event so charts can mark it.</summary>
    private static async Task<StoredSnapshot> CaptureAsync(InspectedProcess target, int pid, long processId, string source,
        SnapshotLibrary library, IDashboardStore store, Job job, IWorkProgress progress, CancellationToken ct, bool stopTrackingAllocations = false)
    {
        await SnapshotCapture.CheckCostAsync(target, pid, library.Directory, force: false, progress, ct);
        string path = library.NewPath($"pid{pid}");
        var result = await SnapshotCapture.TakeAsync(target, path, collectGarbage: true, overwrite: false, "snapshot", progress, ct,
            stopTrackingAllocations: stopTrackingAllocations);
        var record = library.Register(processId, pid, result.Path, result.Bytes, source);
        job.AddSnapshot(record.Id);
        store.AddEvent(processId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), EventKind.Snapshot, new JsonObject
        {
            ["reason"] = source, ["path"] = result.Path, ["bytes"] = result.Bytes, ["snapshotId"] = record.Id,
        }.ToJsonString());
        progress.Report("snapshot written", 1);
        return record;
    }
}
