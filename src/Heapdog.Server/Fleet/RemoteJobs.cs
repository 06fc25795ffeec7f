using Heapdog.Server.Jobs;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>
/// The remote actions waiting for their agents, and those they run (docs/fleet.md). An agent never accepts a connection:
/// it asks for work with one long-held request (<see cref="TakeAsync"/>), runs it on its host, and reports progress and
/// its end on the job. Held in memory, as the jobs are: a server restarted forgets them, as it forgets its own jobs.
/// </summary>
public sealed class RemoteJobs
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Queue<RemoteJob>> _queued = new(StringComparer.Ordinal);
    private readonly Dictionary<long, RemoteJob> _running = [];
    private readonly Dictionary<string, TaskCompletionSource> _arrived = new(StringComparer.Ordinal);

    /// <summary>Queues <paramref name="request"/> for the agent of <paramref name="host"/> and waits for it to end.</summary>
    public async Task<RemoteJob> RunAsync(string host, AgentJob request, Job job, CancellationToken ct)
    {
        var remote = new RemoteJob(host, request, job);
        lock (_gate)
        {
            if (!_queued.TryGetValue(host, out var queue)) _queued[host] = queue = new Queue<RemoteJob>();
            queue.Enqueue(remote);
            if (_arrived.Remove(host, out var signal)) signal.TrySetResult();
        }
        job.Report($"waiting for the agent of {host}", 0);
        try
        {
            await remote.Ended.Task.WaitAsync(ct);
        }
        finally
        {
            lock (_gate)
            {
                _running.Remove(job.Id);
                if (_queued.TryGetValue(host, out var queue) && queue.Contains(remote))
                    _queued[host] = new Queue<RemoteJob>(queue.Where(r => r != remote));
            }
        }
        return remote;
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
                if (_queued.TryGetValue(host, out var queue) && queue.TryDequeue(out var next))
                {
                    _running[next.Job.Id] = next;
                    next.Job.Report($"running on {host}", 0.02);
                    return next.Request;
                }
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

    /// <summary>The job <paramref name="id"/> that the agent of <paramref name="host"/> runs.</summary>
    /// <exception cref="HeapdogException">NotFound: no such job runs there (it ended, was cancelled, or is another host's).</exception>
    public RemoteJob Running(string host, long id)
    {
        lock (_gate)
            return _running.TryGetValue(id, out var r) && r.Host == host ? r
                : throw new HeapdogException(ErrorKind.NotFound, $"no job {id} runs on host '{host}'");
    }

    /// <summary>Progress or the end of a job, from its agent.</summary>
    public void Update(string host, long id, AgentJobUpdate update)
    {
        var remote = Running(host, id);
        if (update.Done) remote.Ended.TrySetResult(update);
        else remote.Job.Report(update.Phase, update.Fraction is double f ? 0.02 + f * remote.AgentShare : null);
    }
}
