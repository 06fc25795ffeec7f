namespace Heapdog.Server.Actions;

/// <summary>The result of a capture job: the snapshot it added to the library.</summary>
public sealed record CaptureResult(long SnapshotId);
