namespace Heapdog.Snapshot.Comparison;

/// <summary>
/// One row of DevTools' Comparison view, plus the change in the class's retained size. Matched without ids
/// (<see cref="SnapshotMatching.Paths"/>), objects cannot be told new or deleted: <see cref="NewCount"/>,
/// <see cref="DeletedCount"/>, <see cref="AllocSize"/> and <see cref="FreedSize"/> are null (unknown), and the deltas
/// are those of DevTools' Summary: instances and shallow bytes in TARGET minus those in BASE.
/// </summary>
public sealed record ClassDiff(string Key, string Name, long? NewCount, long? DeletedCount, long? AllocSize, long? FreedSize, long CountDelta,
    long SizeDelta, long RetainedSizeDelta);
