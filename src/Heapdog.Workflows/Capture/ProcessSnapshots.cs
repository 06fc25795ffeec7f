using Heapdog.Inspector;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Capture;

/// <summary>
/// <c>heapdog snapshot</c>'s capture: the main thread's heap, one worker thread's, or every heap of the process
/// (<see cref="WorkerThreads.All"/>), one file per heap, each after its own headroom check (<see cref="SnapshotCapture"/>).
/// </summary>
public static class ProcessSnapshots
{
    /// <summary>
    /// Takes the heaps <paramref name="worker"/> names: null for the main thread's, into <paramref name="path"/>; a worker
    /// id for that worker's, into <paramref name="path"/>; <see cref="WorkerThreads.All"/> for the main thread's into
    /// <paramref name="path"/> and each worker's into <see cref="WorkerThreads.FileFor"/> beside it. Every file name is
    /// checked before the first capture, so a name in the way stops the command before it pauses the target. Returns
    /// the files in the order taken (the main thread first), each with its worker's id (null: the main thread's).
    /// <paramref name="forcedBy"/> is the option that lifted a failed cost check, as the user gave it.
    /// </summary>
    public static async Task<IReadOnlyList<(string? Worker, SnapshotCaptureResult Result)>> TakeAsync(InspectedProcess process, int? localPid,
        string path, string? worker, bool force, bool collectGarbage, bool overwrite, IWorkProgress progress, CancellationToken cancellationToken,
        TimeSpan? stallTimeout = null, string forcedBy = SnapshotCapture.IgnoreHeadroom)
    {
        List<(CdpSession Heap, string Path)> heaps;
        if (worker is null) heaps = [(process.Connection, path)];
        else if (worker != WorkerThreads.All) heaps = [(await WorkerThreads.FindAsync(process, worker, cancellationToken), path)];
        else
        {
            var workers = await WorkerThreads.ListAsync(process, cancellationToken);
            if (workers.Count == 0) progress.Notice($"note: pid {process.Pid} runs no worker threads; only its main thread's heap is taken");
            heaps = [(process.Connection, path), .. workers.Select(w => ((CdpSession)w, OutputPath.Check(WorkerThreads.FileFor(path, w.WorkerId), overwrite)))];
        }

        var taken = new List<(string?, SnapshotCaptureResult)>(heaps.Count);
        foreach (var (heap, file) in heaps)
        {
            string name = WorkerThreads.Describe(process, heap);
            var cost = await SnapshotCapture.CheckCostAsync(process, localPid, Path.GetDirectoryName(file)!, force, progress, cancellationToken, heap, forcedBy);
            taken.Add(((heap as WorkerSession)?.WorkerId, await SnapshotCapture.TakeAsync(process, file, collectGarbage, overwrite, $"snapshot of {name}",
                progress, cancellationToken, stallTimeout, heap: heap, expectedBytes: cost.EstimatedFileBytes)));
        }
        return taken;
    }
}
