namespace Heapdog.Monitoring.Store;

/// <summary>A process row with when the store first and last saw it (unix ms).</summary>
public sealed record StoredProcess(WatchedProcess Process, long FirstSeenMs, long LastSeenMs);
