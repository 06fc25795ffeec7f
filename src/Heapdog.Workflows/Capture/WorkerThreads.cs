using Heapdog.Inspector;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Capture;

/// <summary>
/// A process's worker threads (<c>worker_threads</c>), each a heap of its own, reached through the main thread's
/// inspector session (<c>NodeWorker</c> domain): shared by <c>snapshot --worker</c>, <c>hunt --worker</c> and
/// <c>ps --workers</c>. A worker is named by its id, the <c>threadId</c> Node gives it.
/// </summary>
public static class WorkerThreads
{
    /// <summary>The value of <c>--worker</c> that asks for every heap of the process: the main thread's and each worker's.</summary>
    public const string All = "all";

    /// <summary>Checks a <c>--worker</c> value: a thread id (digits) or, where <paramref name="allowAll"/>, <see cref="All"/>.</summary>
    public static string Validate(string value, bool allowAll)
    {
        if (allowAll && value == All) return value;
        if (value.Length > 0 && value.Length <= 10 && value.All(char.IsAsciiDigit)) return value;
        throw new HeapdogException(ErrorKind.BadRequest,
            $"--worker must be a worker thread's id (its threadId, as heapdog ps --workers lists it){(allowAll ? " or 'all'" : "")}, got '{value}'");
    }

    /// <summary>The worker threads running now in <paramref name="process"/>, ordered by id.</summary>
    public static async Task<IReadOnlyList<WorkerSession>> ListAsync(InspectedProcess process, CancellationToken cancellationToken)
    {
        try { return await process.Connection.ListWorkersAsync(cancellationToken); }
        catch (InspectorException ex) { throw ProcessAttach.Translate(ex); }
    }

    /// <summary>The worker <paramref name="id"/> of <paramref name="process"/>; an unknown id fails
    /// (<see cref="ErrorKind.ProcessUnavailable"/>) with the ids that exist.</summary>
    public static async Task<WorkerSession> FindAsync(InspectedProcess process, string id, CancellationToken cancellationToken)
    {
        var workers = await ListAsync(process, cancellationToken);
        return workers.FirstOrDefault(w => w.WorkerId == id) ?? throw NoSuchWorker(process, id, workers);
    }

    private static HeapdogException NoSuchWorker(InspectedProcess process, string id, IReadOnlyList<WorkerSession> workers) =>
        new(ErrorKind.ProcessUnavailable, workers.Count == 0
            ? $"{Describe(process, null)} has no worker thread {id}: it runs no worker threads now"
            : $"{Describe(process, null)} has no worker thread {id}; its worker threads are {string.Join(", ", workers.Select(w => w.WorkerId))}");

    /// <summary>"pid 12", or "worker 3 of pid 12" when <paramref name="heap"/> is a worker's session.</summary>
    public static string Describe(InspectedProcess process, CdpSession? heap)
    {
        string main = process.Pid is int pid ? $"pid {pid}" : "the target";
        return heap is WorkerSession worker ? $"worker {worker.WorkerId} of {main}" : main;
    }

    /// <summary>
    /// The file of worker <paramref name="workerId"/>'s heap beside <paramref name="path"/>, the main thread's:
    /// <c>NAME.worker-ID.heapsnapshot</c> for <c>NAME.heapsnapshot</c> (the id before the extension, so the file still
    /// opens as a snapshot wherever the extension matters).
    /// </summary>
    public static string FileFor(string path, string workerId)
    {
        string extension = Path.GetExtension(path);
        return path[..^extension.Length] + $".worker-{workerId}" + extension;
    }
}
