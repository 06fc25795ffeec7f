using Heapdog.Processes;

namespace Heapdog.Monitoring;

/// <summary>A process as the store knows it. <see cref="Id"/> is the store's key; <see cref="StartTimeMs"/> is absolute
/// (unix ms), so the same pid after a reboot or reuse is a different row.</summary>
public sealed record WatchedProcess(
    long Id,
    ProcessIdentity Identity,
    string Name,
    string CommandLine,
    long StartTimeMs,
    string? Pm2Name);
