namespace Heapdog.Leaks;

/// <summary>One input snapshot: where it came from, its node count and total heap (DevTools' total).</summary>
public sealed record SnapshotInfo(string Source, int NodeCount, long TotalSize);
