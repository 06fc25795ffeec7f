using System.Collections.Concurrent;
using Heapdog.Workflows.Errors;

namespace Heapdog.Server.Jobs;

/// <summary>The jobs of this server run: started here, each on the thread pool, kept (the last 100) for polling.</summary>
public sealed class JobBoard
{
    private const int Kept = 100;
    private readonly ConcurrentDictionary<long, Job> _jobs = new();
    private long _lastId;

    /// <summary>Starts <paramref name="work"/>, which returns the job's result as JSON (or null). An exception fails the
    /// job with its message: work throws <see cref="HeapdogException"/> for what it anticipated.</summary>
    public Job Start(string kind, long? processId, Func<Job, CancellationToken, Task<string?>> work, Action<Job>? onFailure = null)
    {
        var job = new Job(Interlocked.Increment(ref _lastId), kind, processId);
        _jobs[job.Id] = job;
        Prune();
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
        foreach (var job in _jobs.Values) job.Cancellation.Cancel();
    }

    private void Prune()
    {
        if (_jobs.Count <= Kept) return;
        foreach (var old in _jobs.Values.Where(j => j.Finished).OrderBy(j => j.Id).Take(_jobs.Count - Kept))
            _jobs.TryRemove(old.Id, out _);
    }
}
