namespace Heapdog.Snapshot.Analysis;

/// <summary>DevTools' Statistics pie, in bytes (JSHeapSnapshot.calculateStatistics).</summary>
public sealed record SnapshotStatistics(
    long Total,
    long V8Heap,
    long Native,
    long Code,
    long Strings,
    long JsArrays,
    long TypedArrays,
    long System);
