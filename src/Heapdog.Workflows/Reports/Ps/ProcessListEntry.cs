using Heapdog.Processes;

namespace Heapdog.Workflows.Reports.Ps;

/// <summary>One Node process as <see cref="ProcessList"/> finds it: what /proc says, its CPU over the sampling window
/// (% of one core, like top), its cgroup's memory limit and usage, its inspector port, its pm2 name and its container (and pod), each null
/// when there is none.</summary>
public sealed record ProcessListEntry(ProcessInfo Info, double CpuPercent, long? CgroupLimitBytes, long? CgroupUsageBytes, int? InspectorPort, string? Pm2Name,
    ProcessContainer? Container);
