namespace Heapdog.Monitoring.Fleet;

/// <summary>A process as an agent knows it. <see cref="Id"/> is the agent's own key, which the batch's rows refer to;
/// the server keys the process by (host, pid, start time). <see cref="Container"/> and <see cref="Pod"/> are null where the
/// agent cannot tell (a process outside any container).</summary>
public sealed record BatchProcess(
    long Id,
    int Pid,
    long StartTicks,
    long StartTimeMs,
    string Name,
    string CommandLine,
    string? Pm2Name,
    string? Container,
    string? Pod,
    long FirstSeenMs,
    long LastSeenMs);
