using Heapdog.Processes;

namespace Heapdog.Workflows.Reports.Ps;

/// <summary>One Node process as <see cref="ProcessList"/> finds it: what /proc says, its CPU over the sampling window
/// (% of one core, like top), its cgroup's memory limit, its inspector port and its pm2 name, each null when there is none.</summary>
public sealed record ProcessListEntry(ProcessInfo Info, double CpuPercent, long? CgroupLimitBytes, int? InspectorPort, string? Pm2Name);
