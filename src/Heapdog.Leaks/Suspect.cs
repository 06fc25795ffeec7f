namespace Heapdog.Leaks;

/// <summary>One leak (or backlog): what grows, where it accumulates, what holds it and which code makes it.</summary>
public sealed record Suspect
{
    public required SuspectKind Kind { get; init; }
    public required Severity Severity { get; init; }
    /// <summary>Short label, e.g. <c>'error' listeners on JobQueue@2231</c>.</summary>
    public required string Title { get; init; }
    /// <summary>One plain sentence for a developer.</summary>
    public required string Explanation { get; init; }
    /// <summary>The object or collection that holds the growth; null when only GC roots hold it (handles, classes).</summary>
    public required ObjectRef? AccumulationPoint { get; init; }
    /// <summary>How code reaches the accumulation point, e.g. <c>JobQueue@2231._events.error</c>.</summary>
    public required string PropertyPath { get; init; }
    /// <summary>What <see cref="Counts"/> counts: <c>entries</c>, <c>listeners</c>, <c>objects</c>.</summary>
    public required string CountUnit { get; init; }
    /// <summary>Per snapshot, in input order; null when only bytes are measured.</summary>
    public required long[]? Counts { get; init; }
    /// <summary>Per snapshot: retained bytes of the accumulation point (or shallow bytes of the class).</summary>
    public required long[] Bytes { get; init; }
    /// <summary>Per snapshot: entries removed since the previous snapshot (first is 0); null when unknown.</summary>
    public required long[]? Removed { get; init; }
    /// <summary>Objects new since the first snapshot and alive in the last, held here (memlab's leaked set).</summary>
    public required long NewObjects { get; init; }
    public required long NewBytes { get; init; }
    public required IReadOnlyList<ClassShare> Classes { get; init; }
    /// <summary>Shortest path from the GC roots (root first) to the accumulation point or a representative object.</summary>
    public required IReadOnlyList<PathLink> RetainerPath { get; init; }
    public required CodeLocation? Location { get; init; }
    /// <summary>Where the new objects were allocated, most bytes first; null when the snapshot has no allocation trace.</summary>
    public IReadOnlyList<AllocationStack>? AllocatedAt { get; init; }
    /// <summary>Of the new objects counted in <see cref="AllocatedAt"/>'s place, those the allocation trace has no stack
    /// for: allocated before tracking began, or moved by a compacting GC after the tracker had seen them (V8 then loses
    /// their stack). Null when the snapshot has no allocation trace.</summary>
    public long? UntracedObjects { get; init; }
    /// <summary>Other accumulation points with the same retainer path shape, merged into this suspect.</summary>
    public required int MergedPoints { get; init; }
    /// <summary>
    /// For an application owner (a collection or object of the program's own code): the runtime objects (sockets,
    /// handles, timers, Node internals) among what it holds that are new since the first snapshot, most first.
    /// Empty for other suspects. Runtime suspects these explain are merged into this one (docs/leaks.md, "Owner first").
    /// </summary>
    public IReadOnlyList<ClassShare> Holds { get; init; } = [];

    /// <summary>An application owner (see <see cref="Holds"/>): listed before runtime suspects of the same severity.</summary>
    internal bool Owner { get; init; }

    public long CountGrowthPerSnapshot => Counts is null ? 0 : (Counts[^1] - Counts[0]) / Math.Max(1, Counts.Length - 1);
    public long ByteGrowthPerSnapshot => (Bytes[^1] - Bytes[0]) / Math.Max(1, Bytes.Length - 1);
}
