namespace Heapdog.Processes;

/// <summary>One app as <c>pm2 jlist</c> reports it. <see cref="Pid"/> is 0 when the app is not running;
/// <see cref="MaxMemoryRestartBytes"/> is null when no <c>max_memory_restart</c> is set.</summary>
public sealed record Pm2App(
    int PmId,
    string Name,
    int Pid,
    string Status,
    long MemoryBytes,
    double CpuPercent,
    int Restarts,
    int UnstableRestarts,
    DateTimeOffset? StartedAt,
    int? ExitCode,
    long? MaxMemoryRestartBytes);
