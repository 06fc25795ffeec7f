using System.Text.Json;
using System.Text.Json.Nodes;
using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>
/// A snapshot, hunt or sampling of a process on another host, as a job of this server (docs/fleet.md): the agent of
/// that host takes it, runs it there through the same workflows and safety checks as the commands, and sends back the
/// report, or uploads the snapshot, which this server then analyses as it does its own. Each job is recorded in the
/// store before it is answered, and at each step after, so a server restarted mid-job takes it up where it stood
/// (<see cref="Restore"/>).
/// </summary>
public static class RemoteActions
{
    public static Job Start(FleetState fleet, JobBoard jobs, SnapshotLibrary library, IDashboardStore store, StoredProcess target, string kind,
        Func<long, AgentJob> request)
    {
        var job = jobs.New(kind, target.Process.Id);
        var agentJob = request(job.Id);
        var record = new RemoteJobRecord(job.Id, target.Host, target.Process.Id, kind, agentJob.Pid, agentJob.StartTimeMs, RemoteJob.Serialize(agentJob),
            RemoteJobState.Queued, 0, job.StartedMs);
        try
        {
            fleet.Store.SaveRemoteJob(record);
        }
        catch (StoreException e)
        {
            // Not recorded, so not asked of the agent: a job the next start would not know of must not run.
            job.Fail($"cannot record the job: {e.Message}");
            return job;
        }
        Run(fleet, jobs, library, store, new RemoteJob(fleet.Store, record, agentJob, job));
        return job;
    }

    /// <summary>
    /// Takes up the remote jobs an earlier run of this server left in the store: ended ones are listed as they ended;
    /// unfinished ones are queued again, or wait for the agent that runs them (which resumes its upload at the offset the
    /// kept partial file holds), or are analysed once uploaded. A job whose files are gone fails, saying so. Partial
    /// files of no job still uploading are deleted. Call before the server listens.
    /// </summary>
    public static void Restore(FleetState fleet, JobBoard jobs, SnapshotLibrary library, IDashboardStore store, Action<string> log)
    {
        var uploading = new HashSet<long>();
        int takenUp = 0;
        foreach (var record in fleet.Store.RemoteJobs())
        {
            var job = new Job(record.Id, record.Kind, record.ProcessId, record.CreatedMs);
            jobs.Adopt(job);
            if (record.SnapshotId is long snapshotId) job.AddSnapshot(snapshotId);
            if (RemoteJobState.Ended(record.State))
            {
                job.EndAs(record.State, record.Error, record.Result, record.EndedMs ?? record.CreatedMs);
                continue;
            }
            var remote = new RemoteJob(fleet.Store, record, RemoteJob.Deserialize(record.Request), job);
            if (CannotContinue(fleet.Uploads, record) is { } why)
            {
                string error = $"taken up after the server restarted, but {why}";
                remote.Save(r => r with { State = RemoteJobState.Failed, Error = error, EndedMs = RemoteJob.Now });
                job.Fail(error);
                log($"remote job {record.Id} ({record.Kind} of pid {record.Pid} on {record.Host}) failed: {why}");
                continue;
            }
            if (record.State == RemoteJobState.Running && record.Kind == "capture") uploading.Add(record.Id);
            job.Report(record.State switch
            {
                RemoteJobState.Queued => $"waiting for the agent of {record.Host}",
                RemoteJobState.Running => $"running on {record.Host} (taken up again after the server restarted)",
                _ => "analysing the uploaded snapshot (taken up again after the server restarted)",
            }, record.State == RemoteJobState.Queued ? 0 : null);
            Run(fleet, jobs, library, store, remote);
            takenUp++;
        }
        int swept = fleet.Uploads.Sweep(uploading);
        if (takenUp > 0) log($"took up {takenUp} remote job(s) left unfinished by the last run");
        if (swept > 0) log($"removed {swept} partial upload(s) of remote jobs that no longer run");
    }

    /// <summary>Why what a job left on disk cannot be gone on with; null when it can. A partial upload is cut back to its
    /// last checked chunk.</summary>
    private static string? CannotContinue(RemoteUploads uploads, RemoteJobRecord record)
    {
        if (record.State == RemoteJobState.Running && record.Kind == "capture")
        {
            if (!uploads.Exists(record.Id))
                return record.UploadOffset > 0
                    ? $"the {record.UploadOffset} bytes of its snapshot received before are gone ({uploads.PartialOf(record.Id)}); ask for a snapshot again"
                    : null;
            uploads.Truncate(record.Id, record.UploadOffset);
        }
        if (record.State == RemoteJobState.Uploaded && !File.Exists(record.UploadPath) && !uploads.Move(record.Id, record.UploadPath!))
            return $"its uploaded snapshot is gone ({record.UploadPath}); ask for a snapshot again";
        return null;
    }

    private static void Run(FleetState fleet, JobBoard jobs, SnapshotLibrary library, IDashboardStore store, RemoteJob remote)
    {
        fleet.Jobs.Add(remote);
        jobs.Run(remote.Job, (job, ct) => RunAsync(fleet, library, store, remote, ct), _ => Failed(fleet, jobs, remote));
    }

    private static async Task<string?> RunAsync(FleetState fleet, SnapshotLibrary library, IDashboardStore store, RemoteJob remote, CancellationToken ct)
    {
        try
        {
            if (remote.Record.State == RemoteJobState.Queued) remote.Job.Report($"waiting for the agent of {remote.Host}", 0);
            if (remote.Record.State is RemoteJobState.Queued or RemoteJobState.Running) await fleet.Jobs.WaitAsync(remote, ct);
            if (remote.Record.State == RemoteJobState.Uploaded) Analyze(library, store, remote, ct);
            // The job ends as recorded, at the time recorded, so a restarted server shows it the same.
            var record = remote.Record;
            remote.Job.EndAs(record.State, record.Error, record.Result, record.EndedMs ?? RemoteJob.Now);
            return record.State == RemoteJobState.Failed
                ? throw new HeapdogException(ErrorKind.ProcessUnavailable, record.Error ?? $"failed on {remote.Host}")
                : record.Result;
        }
        finally
        {
            fleet.Jobs.Remove(remote);
            Prune(fleet);
        }
    }

    /// <summary>A capture's snapshot, uploaded whole and checked: registered in the library (once, whatever the restarts),
    /// analysed, and the job's result recorded.</summary>
    private static void Analyze(SnapshotLibrary library, IDashboardStore store, RemoteJob remote, CancellationToken ct)
    {
        var record = remote.Record;
        string path = record.UploadPath!;
        var snapshot = (record.SnapshotId is long id ? library.Find(id) : null) ?? library.All().FirstOrDefault(s => s.File == path);
        if (snapshot is null)
        {
            snapshot = library.Register(record.ProcessId, record.Pid, path, record.UploadBytes, "capture");
            store.AddEvent(record.ProcessId, RemoteJob.Now, EventKind.Snapshot, new JsonObject
            {
                ["reason"] = "capture", ["path"] = path, ["bytes"] = record.UploadBytes, ["snapshotId"] = snapshot.Id, ["host"] = remote.Host,
            }.ToJsonString());
        }
        if (record.SnapshotId != snapshot.Id)
        {
            long registered = snapshot.Id;
            remote.Save(r => r with { SnapshotId = registered });
            remote.Job.AddSnapshot(registered);
        }
        if (snapshot.State != SnapshotState.Ready) library.Analyze(snapshot, remote.Job, ct, 0.5, 1);
        string result = JsonSerializer.Serialize(new RemoteCaptureResult(snapshot.Id, remote.Host, record.UploadBytes, record.Sha256!),
            ServerJsonContext.Default.RemoteCaptureResult);
        remote.Save(r => r with { State = RemoteJobState.Done, Result = result, EndedMs = RemoteJob.Now });
    }

    /// <summary>A job that failed or was cancelled: recorded so, its partial upload deleted. Not when the server is
    /// stopping: the job was cancelled by the stop, not by a user, and stays recorded as it stood for the next start.</summary>
    private static void Failed(FleetState fleet, JobBoard jobs, RemoteJob remote)
    {
        var view = remote.Job.View();
        bool cancelled = view.State == RemoteJobState.Cancelled;
        if (cancelled && jobs.Stopping) return;
        try
        {
            remote.Save(r => RemoteJobState.Ended(r.State) ? r
                : r with { State = cancelled ? RemoteJobState.Cancelled : RemoteJobState.Failed, Error = view.Error, EndedMs = view.EndedMs ?? RemoteJob.Now });
        }
        catch (StoreException)
        {
            // The store is away: the next start finds the job unfinished and takes it up again.
            return;
        }
        fleet.Uploads.Discard(remote.Job.Id);
    }

    private static void Prune(FleetState fleet)
    {
        try { fleet.Store.PruneRemoteJobs(JobBoard.Kept); }
        catch (StoreException)
        {
            // Pruned after the next job instead.
        }
    }
}
