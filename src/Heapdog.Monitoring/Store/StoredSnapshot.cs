namespace Heapdog.Monitoring.Store;

/// <summary>A snapshot the dashboard keeps: its file, where it came from, and its analysis state (one of
/// <see cref="SnapshotState"/>).</summary>
public sealed record StoredSnapshot(long Id, long? ProcessId, int? Pid, string Name, string File, long Bytes, long CreatedMs, string Source,
    string State, string? Error, long? NodeCount, long? EdgeCount, long? TotalSize);
