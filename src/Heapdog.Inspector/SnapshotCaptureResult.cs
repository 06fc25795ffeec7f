namespace Heapdog.Inspector;

/// <summary>A snapshot written and checked: its path, size and the header's counts.</summary>
public sealed record SnapshotCaptureResult(string Path, long Bytes, long NodeCount, long EdgeCount, TimeSpan Elapsed);
