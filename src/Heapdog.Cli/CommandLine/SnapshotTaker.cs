using Heapdog.Cli.Output;
using Heapdog.Inspector;

namespace Heapdog.Cli.CommandLine;

/// <summary>The safety checks and progress display around one snapshot, shared by <c>snapshot</c> and <c>hunt</c>.</summary>
internal static class SnapshotTaker
{
    /// <summary>
    /// Refuses (exit 7) when the estimated peak growth of the target exceeds its headroom, or the estimated file exceeds
    /// the free space of <paramref name="directory"/>; <paramref name="force"/> turns the refusal into a warning.
    /// </summary>
    public static async Task<SnapshotCostEstimate> CheckCostAsync(InspectedProcess process, int? localPid, string directory, bool force,
        CliContext context, CancellationToken cancellationToken)
    {
        context.Progress.Report("estimating the snapshot's cost", -1);
        SnapshotCostEstimate cost;
        try { cost = await SnapshotCostEstimate.MeasureAsync(process, localPid, cancellationToken); }
        catch (InspectorException ex) { throw TargetOptions.Translate(ex); }

        string target = process.Pid is int pid ? $"pid {pid}" : "the target";
        string? problem = null;
        if (!cost.Fits)
        {
            problem = $"refusing to snapshot {target}: it may grow by {Format.Size(cost.EstimatedPeakBytes)} while the snapshot is built " +
                      $"(about {Format.Count(cost.EstimatedObjects)} objects in {Format.Size(cost.HeapUsedBytes)} of heap), " +
                      $"but only {Format.Size(cost.HeadroomBytes!.Value)} is left ({Headroom(cost)})";
        }
        else if (new DriveInfo(directory).AvailableFreeSpace is long free && free < cost.EstimatedFileBytes)
        {
            problem = $"refusing to snapshot {target}: the file may take {Format.Size(cost.EstimatedFileBytes)} but {directory} has {Format.Size(free)} free";
        }
        if (problem is not null)
        {
            if (!force) throw new HeapdogException(problem + "; pass --force to take it anyway", ExitCodes.Refused);
            context.Progress.Clear();
            await context.Error.WriteLineAsync($"heapdog: warning: {problem[("refusing to snapshot ".Length)..]}; going ahead (--force)");
        }
        else if (cost.HeadroomBytes is null)
        {
            context.Progress.Clear();
            await context.Error.WriteLineAsync($"heapdog: note: the headroom of a remote target is unknown; the snapshot may grow it by {Format.Size(cost.EstimatedPeakBytes)}");
        }
        return cost;
    }

    private static string Headroom(SnapshotCostEstimate cost) =>
        cost.CgroupLimitBytes is long limit && cost.CgroupUsageBytes is long usage && limit - usage <= (cost.HostAvailableBytes ?? long.MaxValue)
            ? $"cgroup limit {Format.Size(limit)} - usage {Format.Size(usage)}"
            : $"host MemAvailable {Format.Size(cost.HostAvailableBytes ?? 0)}";

    public static async Task<SnapshotCaptureResult> TakeAsync(InspectedProcess process, string path, bool collectGarbage, bool overwrite,
        string label, CliContext context, CancellationToken cancellationToken)
    {
        var progress = new StatusProgress(context.Progress, label);
        try
        {
            return await HeapSnapshotCapture.CaptureAsync(process.Connection, path, collectGarbage, overwrite, progress, cancellationToken);
        }
        catch (InspectorException ex)
        {
            throw TargetOptions.Translate(ex);
        }
        catch (IOException ex) when (ex is not FileNotFoundException)
        {
            throw new HeapdogException(ex.Message, ExitCodes.OutputFailed, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new HeapdogException($"cannot write {path}: permission denied", ExitCodes.OutputFailed, ex);
        }
    }

    private sealed class StatusProgress(StatusLine line, string label) : IProgress<SnapshotProgress>
    {
        public void Report(SnapshotProgress value)
        {
            switch (value.Phase)
            {
                case SnapshotPhase.CollectingGarbage: line.Report($"{label}: collecting garbage", -1); break;
                case SnapshotPhase.Building: line.Report($"{label}: building (target paused)", value.Total > 0 ? (double)value.Done / value.Total : -1); break;
                case SnapshotPhase.Writing: line.Report($"{label}: writing", -1); break;
            }
        }
    }
}
