using System.Globalization;

namespace Heapdog.Workflows.Reports.Ps;

/// <summary><c>heapdog ps --json</c>: the Node processes on this host (docs/ps.md).</summary>
public sealed record PsResult(int SchemaVersion, IReadOnlyList<PsResult.PsProcess> Processes)
{
    /// <summary>One process; the limit, inspector port, pm2 name and every container field are null when there is none.
    /// The worker threads are listed only by <c>ps --workers</c> (null otherwise, or when they could not be read:
    /// <c>workersError</c> says why).</summary>
    public sealed record PsProcess(
        int Pid,
        string Name,
        string CommandLine,
        long RssBytes,
        double CpuPercent,
        string StartedAt,
        long UptimeSeconds,
        long? CgroupMemoryLimitBytes,
        int? InspectorPort,
        string? Pm2Name,
        string? ContainerId,
        string? ContainerRuntime,
        string? ContainerName,
        string? PodName,
        string? PodNamespace,
        string? PodUid,
        int? ContainerPid,
        long? CgroupMemoryUsageBytes,
        IReadOnlyList<PsWorker>? Workers,
        string? WorkersError);

    /// <summary>A worker thread: its id (Node's <c>threadId</c>, what <c>--worker</c> takes), its title and its script's URL.</summary>
    public sealed record PsWorker(string Id, string Title, string Url);

    public static PsResult Build(IReadOnlyList<ProcessListEntry> rows, DateTimeOffset now) =>
        new(1, [.. rows.Select(r => new PsProcess(
            r.Info.Pid,
            r.Info.Comm,
            r.Info.CommandLineText,
            r.Info.Status.RssBytes,
            r.CpuPercent,
            r.Info.StartTime.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            (long)(now - r.Info.StartTime).TotalSeconds,
            r.CgroupLimitBytes,
            r.InspectorPort,
            r.Pm2Name,
            r.Container?.Container?.ContainerId,
            r.Container?.Container?.Runtime,
            r.Container?.ContainerName,
            r.Container?.PodName,
            r.Container?.PodNamespace,
            r.Container?.PodUid,
            r.Container?.NamespacePid,
            r.CgroupUsageBytes,
            r.Workers,
            r.WorkersError))]);
}
