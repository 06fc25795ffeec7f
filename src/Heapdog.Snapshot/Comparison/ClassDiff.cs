namespace Heapdog.Snapshot.Comparison;

/// <summary>One row of DevTools' Comparison view, plus the change in the class's retained size.</summary>
public sealed record ClassDiff(string Key, string Name, long NewCount, long DeletedCount, long AllocSize, long FreedSize, long RetainedSizeDelta)
{
    public long CountDelta => NewCount - DeletedCount;
    public long SizeDelta => AllocSize - FreedSize;
}
