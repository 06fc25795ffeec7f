namespace Heapdog.Inspector;

/// <summary>Where a snapshot capture is: <see cref="Phase"/> with <see cref="Done"/> of <see cref="Total"/> (Total 0 when unknown).</summary>
public readonly record struct SnapshotProgress(SnapshotPhase Phase, long Done, long Total);
