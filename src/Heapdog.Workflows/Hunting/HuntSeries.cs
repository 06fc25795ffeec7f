using System.Diagnostics;
using System.Globalization;
using Heapdog.Inspector;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Hunting;

/// <summary>
/// The routine of a leak hunt, shared by <c>heapdog hunt</c> and the dashboard's Hunt button: <c>count</c> snapshots
/// <c>interval</c> apart, all over one inspector session (V8 numbers objects per session, so only snapshots of one
/// session line up). What a snapshot is and where it goes is the caller's <c>capture</c>.
/// </summary>
public static class HuntSeries
{
    public const int MinSnapshots = 2, MaxSnapshots = 20;

    public static void Validate(int count)
    {
        if (count is < MinSnapshots or > MaxSnapshots)
            throw new HeapdogException(ErrorKind.BadRequest, $"the number of snapshots must be between {MinSnapshots} and {MaxSnapshots}, got {count}");
    }

    /// <summary>Runs <paramref name="capture"/> (given the snapshot's index, from 0) <paramref name="count"/> times,
    /// waiting <paramref name="interval"/> between two, and returns what each capture returned, oldest first.</summary>
    public static async Task<IReadOnlyList<T>> CaptureAsync<T>(int count, TimeSpan interval, Func<int, Task<T>> capture, IWorkProgress progress,
        CancellationToken cancellationToken)
    {
        Validate(count);
        var taken = new List<T>(count);
        for (int i = 0; i < count; i++)
        {
            if (i > 0) await WaitAsync(interval, $"waiting {DurationText.Format(interval)} for snapshot {i + 1} of {count}", progress, cancellationToken);
            taken.Add(await capture(i));
        }
        return taken;
    }

    /// <summary>
    /// <see cref="CaptureAsync{T}"/> over <paramref name="process"/>'s session, with V8's allocation tracker on from
    /// before the first snapshot to the last when <paramref name="allocations"/>: the last snapshot then carries the
    /// allocation stack of every object made during the hunt. <paramref name="capture"/> gets the snapshot's index and
    /// whether that snapshot must be taken by stopping the tracker (the last one), so that stopping costs no second
    /// snapshot. A series that fails first stops the tracker without one: it must not keep costing the target.
    /// <paramref name="heap"/> is the session whose heap is tracked (a worker thread's), by default the main thread's.
    /// </summary>
    public static async Task<IReadOnlyList<T>> CaptureTrackedAsync<T>(InspectedProcess process, bool allocations, int count, TimeSpan interval,
        Func<int, bool, Task<T>> capture, IWorkProgress progress, CancellationToken cancellationToken, CdpSession? heap = null)
    {
        var session = heap ?? process.Connection;
        Validate(count);
        if (!allocations) return await CaptureAsync(count, interval, i => capture(i, false), progress, cancellationToken);
        progress.Report("starting allocation tracking", -1);
        bool tracking = true;
        try
        {
            try { await HeapSnapshotCapture.StartTrackingAllocationsAsync(session, cancellationToken); }
            catch (InspectorException ex) { throw ProcessAttach.Translate(ex); }
            return await CaptureAsync(count, interval, async i =>
            {
                bool last = i == count - 1;
                var taken = await capture(i, last);
                if (last) tracking = false;
                return taken;
            }, progress, cancellationToken);
        }
        finally
        {
            if (tracking) await HeapSnapshotCapture.StopTrackingAllocationsAsync(session);
        }
    }

    /// <summary>The hunt's capture as <c>heapdog hunt</c> and the MCP <c>hunt</c> tool run it: attach to
    /// <paramref name="target"/>, then <paramref name="count"/> snapshots into <paramref name="directory"/>
    /// (<c>hunt-PID-TIME-N.heapsnapshot</c>), each after the headroom check (<paramref name="force"/> turns a refusal into
    /// a notice), tracking allocations throughout when <paramref name="allocations"/> (<see cref="CaptureTrackedAsync{T}"/>).
    /// With <paramref name="worker"/> (a worker thread's id) the series is of that worker's heap, over its session
    /// (<c>hunt-PID-TIME-N.worker-ID.heapsnapshot</c>). Returns the files, oldest first; the inspector is closed again if
    /// Heapdog opened it.</summary>
    public static async Task<IReadOnlyList<string>> CaptureFilesAsync(AttachOptions target, int count, TimeSpan interval, string directory,
        bool force, IWorkProgress progress, CancellationToken cancellationToken, bool allocations = false, string? worker = null)
    {
        Validate(count);
        if (worker is not null) WorkerThreads.Validate(worker, allowAll: false);
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        await using var process = await ProcessAttach.AttachAsync(target, progress, cancellationToken);
        CdpSession? heap = worker is null ? null : await WorkerThreads.FindAsync(process, worker, cancellationToken);
        string name = WorkerThreads.Describe(process, heap);
        return await CaptureTrackedAsync(process, allocations, count, interval, async (i, stopTracking) =>
        {
            var cost = await SnapshotCapture.CheckCostAsync(process, ProcessAttach.LocalPid(target), directory, force, progress, cancellationToken, heap);
            string file = Path.Combine(directory, $"hunt-{process.Pid}-{stamp}-{i + 1}.heapsnapshot");
            string path = OutputPath.Check(worker is null ? file : WorkerThreads.FileFor(file, worker), overwrite: false);
            var taken = await SnapshotCapture.TakeAsync(process, path, collectGarbage: true, overwrite: false,
                $"snapshot {i + 1} of {count}{(heap is null ? "" : $" of {name}")}", progress, cancellationToken, stopTrackingAllocations: stopTracking,
                heap: heap, expectedBytes: cost.EstimatedFileBytes);
            return taken.Path;
        }, progress, cancellationToken, heap);
    }

    private static readonly TimeSpan ProgressStep = TimeSpan.FromMilliseconds(200);

    private static async Task WaitAsync(TimeSpan interval, string phase, IWorkProgress progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        // The time left is read once per round: read again after a loop test, it can have gone negative, and
        // Task.Delay waits forever for -1 ms and throws below it.
        for (var left = interval; left > TimeSpan.Zero; left = interval - clock.Elapsed)
        {
            progress.Report(phase, clock.Elapsed / interval);
            await Task.Delay(left < ProgressStep ? left : ProgressStep, cancellationToken);
        }
    }
}
