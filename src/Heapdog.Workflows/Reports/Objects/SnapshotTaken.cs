namespace Heapdog.Workflows.Reports.Objects;

/// <summary>A snapshot written from a live process: where, how big, how long it took.</summary>
public sealed record SnapshotTaken(int SchemaVersion, int? Pid, string File, long Bytes, long NodeCount, long EdgeCount, long ElapsedMs);
