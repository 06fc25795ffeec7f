using System.Collections.Concurrent;
using Heapdog.Workflows.Errors;

namespace Heapdog.Server.Jobs;

/// <summary>The jobs of this server run: started here, each on the thread pool, kept (the last 100) for polling. Remote
/// jobs kept in the store from an earlier run are adopted under their ids, and new ids follow theirs.</summary>
public sealed class JobBoard
{
    public const int Kept = 100;
    private readonly ConcurrentDictionary<long, Job> _jobs = new();
    private long _lastId;

    /// <summary>Starts <paramref name="work"/>, which returns the job's result as JSON (or null). An exception fails the
    /// job with its message: work throws <see cref="HeapdogException"/> for what it anticipated.</summary>
    public Job Start(string kind, long? processId, Func<Job, CancellationToken, Task<string?>> work, Action<Job>? onFailure = null) =>
        Run(New(kind, processId), work, onFailure);

    /// <summary>A new job, listed and given its id, not started yet: its caller records it before it runs (<see cref="Run"/>).</summary>
    public Job New(string kind, long? processId)
    {
        var job = new Job(Interlocked.Increment(ref _lastId), kind, processId);
        _jobs[job.Id] = job;
        Prune();
        return job;
    }

    /// <summary>Lists a job of an earlier run of the server under its own id; the ids of new jobs follow it.</summary>
    public void Adopt(Job job)
    {
        _jobs[job.Id] = job;
        long seen;
        while (job.Id > (seen = Interlocked.Read(ref _lastId)) && Interlocked.CompareExchange(ref _lastId, job.Id, seen) != seen) { }
        Prune();
    }

    /// <summary>True once <see cref="CancelAll"/> ran: the server is stopping, and a job cancelled now was not given up
    /// by a user (a remote job stays recorded as it was, to be taken up again by the next start).</summary>
    public bool Stopping => Volatile.Read(ref _stopping);

    private bool _stopping;

    /// <summary>Runs <paramref name="job"/> (from <see cref="New"/> or <see cref="Adopt"/>) as <see cref="Start"/> does.</summary>
    public Job Run(Job job, Func<Job, CancellationToken, Task<string?>> work, Action<Job>? onFailure = null)
    {
        _ = Task.Run(async () =>
        {
            var ct = job.Cancellation.Token;
            try
            {
                job.Complete(await work(job, ct));
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                job.Fail("cancelled", cancelled: true);
                onFailure?.Invoke(job);
            }
            catch (Exception e)
            {
                job.Fail(e is HeapdogException ? e.Message : $"{e.GetType().Name}: {e.Message}");
                onFailure?.Invoke(job);
            }
        });
        return job;
    }

    public Job? Get(long id) => _jobs.GetValueOrDefault(id);

    public IReadOnlyList<Job> All() => [.. _jobs.Values.OrderByDescending(j => j.Id)];

    public void CancelAll()
    {
        Volatile.Write(ref _stopping, true);
        foreach (var job in _jobs.Values) job.Cancellation.Cancel();
    }

    private void Prune()
    {
        if (_jobs.Count <= Kept) return;
        foreach (var old in _jobs.Values.Where(j => j.Finished).OrderBy(j => j.Id).Take(_jobs.Count - Kept))
            _jobs.TryRemove(old.Id, out _);
    }
}
