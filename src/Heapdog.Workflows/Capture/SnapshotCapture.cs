using Heapdog.Inspector;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Capture;

/// <summary>One heap snapshot of a live process with its safety checks, shared by <c>snapshot</c>, <c>hunt</c>, the
/// watch's snapshot rules and the dashboard's actions.</summary>
public static class SnapshotCapture
{
    /// <summary>An empty Node process's snapshot is about 3 MB; below this much free space none fits.</summary>
    public const long MinimumSnapshotBytes = 1 << 20;

    /// <summary>The option that takes a snapshot the cost check refuses (<c>snapshot</c>, <c>hunt</c>).</summary>
    public const string IgnoreHeadroom = "--ignore-headroom";

    /// <summary>
    /// Refuses (<see cref="ErrorKind.Refused"/>) when the estimated peak growth of the target exceeds its headroom, or
    /// the estimated file exceeds the free space of <paramref name="directory"/>; <paramref name="force"/> turns the
    /// refusal into a warning that ends with <paramref name="forcedBy"/> (the override as the user gave it).
    /// <paramref name="heap"/> is the session of the heap to snapshot: a worker thread's (<see cref="WorkerThreads"/>), or
    /// by default the main thread's.
    /// </summary>
    public static async Task<SnapshotCostEstimate> CheckCostAsync(InspectedProcess process, int? localPid, string directory, bool force,
        IWorkProgress progress, CancellationToken cancellationToken, CdpSession? heap = null, string forcedBy = IgnoreHeadroom)
    {
        progress.Report("estimating the snapshot's cost", -1);
        SnapshotCostEstimate cost;
        try { cost = await SnapshotCostEstimate.MeasureAsync(heap ?? process.Connection, localPid, cancellationToken); }
        catch (InspectorException ex) { throw ProcessAttach.Translate(ex); }

        string target = WorkerThreads.Describe(process, heap);
        string? problem = null;
        if (!cost.Fits)
        {
            problem = $"refusing to snapshot {target}: it may grow by {Format.Size(cost.EstimatedPeakBytes)} while the snapshot is built " +
                      $"(about {Format.Count(cost.EstimatedObjects)} objects in {Format.Size(cost.HeapUsedBytes)} of heap), " +
                      $"but only {Format.Size(cost.HeadroomBytes!.Value)} is left ({Headroom(cost)})";
        }
        else if (new DriveInfo(directory).AvailableFreeSpace is long free && free < cost.EstimatedFileBytes)
        {
            // Less than the smallest snapshot Node writes: no override can make it fit, so this is a failed output
            // (exit 8), not a refusal that --force lifts.
            if (free < MinimumSnapshotBytes)
                throw new HeapdogException(ErrorKind.OutputFailed, $"cannot write a snapshot of {target} in {directory}: disk full ({Format.Size(free)} free)");
            problem = $"refusing to snapshot {target}: the file may take {Format.Size(cost.EstimatedFileBytes)} but {directory} has {Format.Size(free)} free";
        }
        if (problem is not null)
        {
            if (!force) throw new HeapdogException(ErrorKind.Refused, problem + $"; pass {IgnoreHeadroom} to take it anyway");
            progress.Notice($"warning: {problem[("refusing to snapshot ".Length)..]}; going ahead ({forcedBy})");
        }
        else if (cost.HostAvailableBytes is null)
        {
            progress.Notice($"note: the memory a remote target has to spare is unknown; the snapshot may grow it by {Format.Size(cost.EstimatedPeakBytes)}");
        }
        return cost;
    }

    /// <summary>The tightest bound in figures, as the refusal gives it: "cgroup limit 256 MiB - usage 200 MiB".</summary>
    private static string Headroom(SnapshotCostEstimate cost) => cost.Tightest?.Bound switch
    {
        HeadroomBound.Cgroup => $"cgroup limit {Format.Size(cost.CgroupLimitBytes!.Value)} - usage {Format.Size(cost.CgroupUsageBytes!.Value)}",
        HeadroomBound.HeapLimit => $"V8 heap limit {Format.Size(cost.HeapLimitBytes)} - heap used {Format.Size(cost.HeapUsedBytes)}",
        _ => $"host MemAvailable {Format.Size(cost.HostAvailableBytes ?? 0)}",
    };

    /// <summary>Streams the snapshot to <paramref name="path"/> (through a temporary name), reporting its phases as
    /// "<paramref name="label"/>: …". A stream that stalls for <paramref name="stallTimeout"/>
    /// (<see cref="HeapSnapshotCapture.DefaultStallTimeout"/> by default) fails as <see cref="ErrorKind.ProcessUnavailable"/>.
    /// The bytes written are reported against <paramref name="expectedBytes"/> (the cost estimate's file size; 0: unknown).
    /// <paramref name="heap"/> is the session of the heap to snapshot (a worker thread's), by default the main thread's.</summary>
    public static async Task<SnapshotCaptureResult> TakeAsync(InspectedProcess process, string path, bool collectGarbage, bool overwrite,
        string label, IWorkProgress progress, CancellationToken cancellationToken, TimeSpan? stallTimeout = null, bool stopTrackingAllocations = false,
        CdpSession? heap = null, long expectedBytes = 0)
    {
        var phases = new SyncProgress<SnapshotProgress>(value =>
        {
            switch (value.Phase)
            {
                case SnapshotPhase.CollectingGarbage: progress.Report($"{label}: collecting garbage", -1); break;
                case SnapshotPhase.Building: progress.Report($"{label}: building (target paused)", value.Total > 0 ? (double)value.Done / value.Total : -1); break;
                case SnapshotPhase.Writing: progress.ReportBytes($"{label}: writing", value.Done, expectedBytes); break;
            }
        });
        LeftoverPartials.Remove(Path.GetDirectoryName(Path.GetFullPath(path))!);
        try
        {
            return await HeapSnapshotCapture.CaptureAsync(heap ?? process.Connection, path, collectGarbage, overwrite, phases, cancellationToken, stallTimeout,
                stopTrackingAllocations);
        }
        catch (InspectorException ex)
        {
            throw ProcessAttach.Translate(ex);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException and not FileNotFoundException)
        {
            // The capture removed its hidden partial file: nothing is left under either name.
            throw WriteFailure.Of(ex, Path.GetFullPath(path));
        }
    }
}
