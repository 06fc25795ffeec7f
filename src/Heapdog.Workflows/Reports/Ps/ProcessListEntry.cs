using Heapdog.Processes;

namespace Heapdog.Workflows.Reports.Ps;

/// <summary>One Node process as <see cref="ProcessList"/> finds it: what /proc says, its CPU over the sampling window
/// (% of one core, like top), its cgroup's memory limit and usage, its inspector port, its pm2 name and its container (and pod), each null
/// when there is none. <see cref="Workers"/> are its worker threads, read only when asked for (null otherwise, or when
/// they could not be read: <see cref="WorkersError"/> says why).</summary>
public sealed record ProcessListEntry(ProcessInfo Info, double CpuPercent, long? CgroupLimitBytes, long? CgroupUsageBytes, int? InspectorPort, string? Pm2Name,
    ProcessContainer? Container, IReadOnlyList<PsResult.PsWorker>? Workers = null, string? WorkersError = null);
