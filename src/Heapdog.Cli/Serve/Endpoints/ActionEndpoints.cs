using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Globalization;
using System.Text.Json;
using Heapdog.Cli.CommandLine;
using Heapdog.Cli.Serve.Jobs;
using Heapdog.Cli.Serve.Snapshots;
using Heapdog.Inspector;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Cli.Serve.Endpoints;

/// <summary>What the dashboard does to a live process (snapshot, hunt, sample), each as a job, and the jobs themselves
/// (docs/api.md). The target is reached the way the commands reach it: its inspector on loopback, opened with SIGUSR1
/// when needed and closed again afterwards.</summary>
public static class ActionEndpoints
{
    public static void Map(WebApplication app, DashboardStore store, LiveProcesses live, SnapshotLibrary library, JobBoard jobs, InspectorSessions sessions)
    {
        var api = app.MapGroup("/api").WithTags("actions");

        api.MapPost("/processes/{id:long}/snapshot", (long id) => WithLiveProcess(live, id, (identity, processId) =>
            jobs.Start("capture", processId, async (job, ct) =>
            {
                var record = await sessions.UseAsync(processId, identity, Reporter(job), target =>
                    CaptureAsync(target, identity.Pid, processId, "capture", library, store, job, 0.05, 0.5, ct), ct);
                library.Analyze(record, job, ct, 0.5, 1);
                return $"{{\"snapshotId\":{record.Id.ToString(CultureInfo.InvariantCulture)}}}";
            }))).WithSummary("Take a heap snapshot of a live process, then analyse it");

        api.MapPost("/processes/{id:long}/hunt", (long id, int? count, string? interval) =>
        {
            int n = count ?? 3;
            if (n is < 2 or > 20) return JsonResults.Error(400, $"count must be between 2 and 20, got {n}");
            TimeSpan every;
            try { every = DurationText.Parse(interval ?? "10s", "interval"); }
            catch (HeapdogException e) { return JsonResults.Error(400, e.Message); }
            return WithLiveProcess(live, id, (identity, processId) => jobs.Start("hunt", processId, async (job, ct) =>
            {
                var records = new List<StoredSnapshot>();
                double share = 0.6 / n;
                for (int i = 0; i < n; i++)
                {
                    if (i > 0) await WaitAsync(job, every, $"waiting {Output.Format.Duration(every)} before snapshot {i + 1} of {n}", share * i, ct);
                    int index = i;
                    records.Add(await sessions.UseAsync(processId, identity, Reporter(job), target =>
                        CaptureAsync(target, identity.Pid, processId, "hunt", library, store, job, share * index + share * 0.2, share * (index + 1), ct), ct));
                }
                return LeakHunt.Run(library, records, 10, job, ct, 0.6, 1);
            }));
        }).WithSummary("Take `count` snapshots `interval` apart and report what leaks (heapdog hunt --json)");

        api.MapPost("/processes/{id:long}/sample", (long id, string? duration) =>
        {
            TimeSpan length;
            try { length = DurationText.Parse(duration ?? "10s", "duration"); }
            catch (HeapdogException e) { return JsonResults.Error(400, e.Message); }
            if (length > TimeSpan.FromMinutes(10)) return JsonResults.Error(400, "duration must be 10 minutes or less");
            return WithLiveProcess(live, id, (identity, processId) => jobs.Start("sample", processId, async (job, ct) =>
            {
                var progress = new SyncProgress<double>(f => job.Report($"sampling allocations for {Output.Format.Duration(length)}", 0.05 + 0.9 * f));
                var sampled = await sessions.UseAsync(processId, identity, Reporter(job), async target =>
                {
                    try { return await HeapSampler.RunAsync(target.Connection, length, HeapSampler.DefaultInterval, progress, ct); }
                    catch (InspectorException e) { throw TargetOptions.Translate(e); }
                }, ct);
                string path = Path.ChangeExtension(library.NewPath($"pid{identity.Pid}"), ".heapprofile");
                await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                await using (var writer = new Utf8JsonWriter(file))
                    sampled.Profile.WriteTo(writer);
                var output = new StringWriter();
                await SampleCommand.WriteJsonAsync(output, identity.Pid, sampled, [.. sampled.Sites.Take(30)], path);
                return output.ToString();
            }));
        }).WithSummary("Sample allocations of a live process (heapdog sample --json)");

        var jobsApi = app.MapGroup("/api/jobs").WithTags("jobs");
        jobsApi.MapGet("", () => JsonResults.Of(w =>
        {
            w.WriteStartArray();
            foreach (var job in jobs.All()) job.Write(w);
            w.WriteEndArray();
        })).WithSummary("Jobs of this server run, newest first");
        jobsApi.MapGet("/{id:long}", (long id) => jobs.Get(id) is { } job ? JsonResults.Of(job.Write) : NoJob(id)).WithSummary("One job");
        jobsApi.MapDelete("/{id:long}", (long id) =>
        {
            if (jobs.Get(id) is not { } job) return NoJob(id);
            job.Cancellation.Cancel();
            return Results.NoContent();
        }).WithSummary("Cancel a job");
    }

    private static IResult NoJob(long id) => JsonResults.Error(404, $"no job {id}");

    private static IResult WithLiveProcess(LiveProcesses live, long id, Func<ProcessIdentity, long, Job> start)
    {
        if (!live.Current.TryGetValue(id, out var process))
            return JsonResults.Error(404, $"process {id} is not being watched by this server");
        if (process.Exited) return JsonResults.Error(409, $"process {id} (pid {process.Process.Identity.Pid}) has exited");
        return SnapshotEndpoints.JobAccepted(start(process.Process.Identity, id));
    }

    private static Action<string> Reporter(Job job) => phase => job.Report(phase, null);

    /// <summary>One snapshot into the library, with the same safety checks as <c>heapdog snapshot</c>, recorded as an
    /// event so charts can mark it.</summary>
    private static async Task<StoredSnapshot> CaptureAsync(InspectedProcess target, int pid, long processId, string source,
        SnapshotLibrary library, DashboardStore store, Job job, double from, double to, CancellationToken ct)
    {
        job.Report("estimating the snapshot's cost", from);
        await SnapshotTaker.CheckCostAsync(target, pid, library.Directory, force: false, CliContext.Quiet, ct);
        string path = library.NewPath($"pid{pid}");
        var progress = new SyncProgress<SnapshotProgress>(p => job.Report(p.Phase switch
        {
            SnapshotPhase.CollectingGarbage => "collecting garbage",
            SnapshotPhase.Building => "building the snapshot (target paused)",
            _ => "writing the snapshot",
        }, p.Phase == SnapshotPhase.Building && p.Total > 0 ? from + (to - from) * 0.5 * p.Done / p.Total : null));
        SnapshotCaptureResult result;
        try { result = await HeapSnapshotCapture.CaptureAsync(target.Connection, path, collectGarbage: true, overwrite: false, progress, ct); }
        catch (InspectorException e) { throw TargetOptions.Translate(e); }
        var record = library.Register(processId, pid, result.Path, result.Bytes, source);
        job.AddSnapshot(record.Id);
        store.AddEvent(processId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), EventKind.Snapshot, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["reason"] = source, ["path"] = result.Path, ["bytes"] = result.Bytes, ["snapshotId"] = record.Id,
        }));
        job.Report("snapshot written", to);
        return record;
    }

    private static async Task WaitAsync(Job job, TimeSpan wait, string phase, double at, CancellationToken ct)
    {
        job.Report(phase, at);
        await Task.Delay(wait, ct);
    }
}
