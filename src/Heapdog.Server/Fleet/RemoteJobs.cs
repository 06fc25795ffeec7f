using Heapdog.Monitoring.Fleet;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>
/// The remote actions waiting for their agents, and those they run (docs/fleet.md). An agent never accepts a connection:
/// it asks for work with one long-held request (<see cref="TakeAsync"/>), runs it on its host, and reports progress and
/// its end on the job. Each job's record is in the store (<see cref="RemoteJob.Record"/>), so a server restarted
/// mid-job lists it again here and its agent goes on with it (<see cref="RemoteActions.Restore"/>).
/// </summary>
public sealed class RemoteJobs(RemoteUploads uploads)
{
    /// <summary>How often one job is handed to its agent before it fails: each time the agent asked for work again
    /// without ending it (it was restarted, or the answer that handed it the job was lost).</summary>
    public const int MaxAttempts = 3;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<RemoteJob>> _queued = new(StringComparer.Ordinal);
    // Every unfinished job: queued, handed to its agent, or uploaded and being analysed.
    private readonly Dictionary<long, RemoteJob> _active = [];
    private readonly Dictionary<string, TaskCompletionSource> _arrived = new(StringComparer.Ordinal);

    /// <summary>Lists a job: a new one, queued for its agent, or one an earlier run of the server left, as its record stands.</summary>
    public void Add(RemoteJob remote)
    {
        lock (_gate)
        {
            _active[remote.Job.Id] = remote;
            if (remote.Record.State != RemoteJobState.Queued) return;
            if (!_queued.TryGetValue(remote.Host, out var queue)) _queued[remote.Host] = queue = new Queue<RemoteJob>();
            queue.Enqueue(remote);
            if (_arrived.Remove(remote.Host, out var signal)) signal.TrySetResult();
        }
    }

    /// <summary>Waits for the agent's part of <paramref name="remote"/> to end: its record then says how.</summary>
    public Task WaitAsync(RemoteJob remote, CancellationToken ct) => remote.Ended.Task.WaitAsync(ct);

    /// <summary>Forgets a job that ended (or is cancelled): its agent is refused from then on.</summary>
    public void Remove(RemoteJob remote)
    {
        lock (_gate)
        {
            if (_active.TryGetValue(remote.Job.Id, out var listed) && listed == remote) _active.Remove(remote.Job.Id);
            if (_queued.TryGetValue(remote.Host, out var queue) && queue.Contains(remote))
                _queued[remote.Host] = new Queue<RemoteJob>(queue.Where(r => r != remote));
        }
    }

    /// <summary>The next job for <paramref name="host"/>, waiting up to <paramref name="wait"/> for one; null if none came.</summary>
    public async Task<AgentJob?> TakeAsync(string host, TimeSpan wait, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                while ((Abandoned(host) ?? Dequeue(host)) is { } next)
                    if (Hand(next) is { } request) return request;
                if (!_arrived.TryGetValue(host, out var signal))
                    _arrived[host] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                arrived = signal.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;
            try { await arrived.WaitAsync(left, ct); }
            catch (TimeoutException) { return null; }
        }
    }

    /// <summary>
    /// A job handed to the agent of <paramref name="host"/> that has not ended while that agent asks for work: an agent
    /// runs one job at a time and asks only between jobs (after resuming an upload it was restarted in), so it no longer
    /// runs this one. It is handed out again, ahead of the queue.
    /// </summary>
    private RemoteJob? Abandoned(string host) =>
        _active.Values.Where(r => r.Host == host && r.Record.State == RemoteJobState.Running).MinBy(r => r.Job.Id);

    private RemoteJob? Dequeue(string host) => _queued.TryGetValue(host, out var queue) && queue.TryDequeue(out var next) ? next : null;

    /// <summary>Records that the agent runs <paramref name="next"/>, and returns its request; null when it was handed out
    /// <see cref="MaxAttempts"/> times already, and so fails.</summary>
    private AgentJob? Hand(RemoteJob next)
    {
        var record = next.Record;
        if (record.Attempts >= MaxAttempts)
        {
            next.Save(r => r with
            {
                State = RemoteJobState.Failed, EndedMs = RemoteJob.Now,
                Error = $"the agent of {next.Host} took this job {r.Attempts} times and never ended it (restarted, or cut off, each time)",
            });
            next.Ended.TrySetResult(new AgentJobUpdate("failed", null, Done: true));
            return null;
        }
        // Handed out again: a capture starts over with a new snapshot, so what the server holds of the last one goes.
        if (record.Attempts > 0) uploads.Discard(record.Id);
        next.Save(r => r with { State = RemoteJobState.Running, Attempts = r.Attempts + 1, UploadOffset = 0 });
        next.Job.Report(record.Attempts == 0 ? $"running on {next.Host}" : $"running on {next.Host} (again: its agent stopped running it)", 0.02);
        return next.Request;
    }

    /// <summary>The unfinished job <paramref name="id"/> of the agent of <paramref name="host"/>.</summary>
    /// <exception cref="HeapdogException">NotFound: no such job runs there (it ended, was cancelled, or is another host's).</exception>
    public RemoteJob Running(string host, long id)
    {
        lock (_gate)
            return _active.TryGetValue(id, out var r) && r.Host == host ? r
                : throw new HeapdogException(ErrorKind.NotFound, $"no job {id} runs on host '{host}'");
    }

    /// <summary>Progress or the end of a job, from its agent. The end is recorded before the agent is answered.</summary>
    public void Update(string host, long id, AgentJobUpdate update)
    {
        var remote = Running(host, id);
        if (remote.Record.State != RemoteJobState.Running) return; // a late or repeated word on a job already past the agent
        if (!update.Done)
        {
            remote.Job.Report(update.Phase, update.Fraction is double f ? 0.02 + f * remote.AgentShare : null);
            return;
        }
        remote.Finish(update);
        remote.Ended.TrySetResult(update);
    }

    /// <summary>How much of a capture's snapshot the server holds: all of it once the upload was completed.</summary>
    public UploadState Offset(string host, long id)
    {
        var record = Running(host, id).Record;
        return record.State == RemoteJobState.Uploaded ? new UploadState(id, record.UploadBytes, true) : uploads.State(id);
    }

    /// <summary>Appends one chunk of a capture's upload, recording the offset it reached once the chunk is checked and on disk.</summary>
    public async Task<long> AppendAsync(string host, long id, long offset, long total, string sha256, Stream body, CancellationToken ct)
    {
        var remote = Running(host, id);
        var record = remote.Record;
        if (record.State == RemoteJobState.Uploaded) return record.UploadBytes; // already whole: the agent completes it next
        if (record.State != RemoteJobState.Running) throw new HeapdogException(ErrorKind.NotFound, $"job {id} on host '{host}' takes no upload now");
        long at = await uploads.AppendAsync(id, offset, sha256, body, ct);
        remote.Save(r => r with { UploadOffset = at });
        remote.Job.Report("uploading the snapshot", 0.02 + 0.48 * Math.Min(1, (double)at / Math.Max(1, total)));
        return at;
    }

    /// <summary>
    /// Checks a capture's whole upload and gives it its place in the library (<paramref name="newPath"/>), recorded before
    /// the file is moved there and the agent answered; completing it again with the same checksum changes nothing.
    /// </summary>
    public async Task CompleteUploadAsync(string host, long id, long bytes, string sha256, Func<RemoteJob, string> newPath, CancellationToken ct)
    {
        var remote = Running(host, id);
        if (remote.Request.Kind != "capture") throw new HeapdogException(ErrorKind.BadRequest, $"job {id} uploads nothing");
        var record = remote.Record;
        if (record.State == RemoteJobState.Uploaded && record.UploadBytes == bytes && string.Equals(record.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
            return;
        if (record.State != RemoteJobState.Running) throw new HeapdogException(ErrorKind.NotFound, $"job {id} on host '{host}' takes no upload now");
        await uploads.VerifyAsync(id, bytes, sha256, ct);
        string path = newPath(remote);
        remote.Save(r => r with { State = RemoteJobState.Uploaded, UploadOffset = bytes, UploadPath = path, UploadBytes = bytes, Sha256 = sha256.ToLowerInvariant() });
        uploads.Move(id, path);
        remote.Ended.TrySetResult(new AgentJobUpdate("uploaded", 1, Done: true));
    }
}
