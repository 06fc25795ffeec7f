namespace Heapdog.Snapshot.Comparison;

/// <summary>A Summary row kept after the snapshot's graph is released: DevTools' class key, name and aggregates.</summary>
public sealed record ClassSummary(string Key, string Name, SourceLocation? Location, long Count, long ShallowSize, long RetainedSize);
