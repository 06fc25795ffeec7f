namespace Heapdog.Monitoring.Store;

/// <summary>A process row with when the store first and last saw it (unix ms). <see cref="Host"/> is the host an agent
/// reported it from, empty for a process of the store's own host; <see cref="Container"/> and <see cref="Pod"/> are
/// null where unknown.</summary>
public sealed record StoredProcess(WatchedProcess Process, long FirstSeenMs, long LastSeenMs, string Host = "", string? Container = null, string? Pod = null);
