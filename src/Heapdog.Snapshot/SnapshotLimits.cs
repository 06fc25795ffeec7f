namespace Heapdog.Snapshot;

/// <summary>
/// Caps on what a snapshot may declare, checked against the header and the file size before anything is allocated,
/// so a corrupted header cannot make Heapdog allocate gigabytes or loop forever.
/// </summary>
public sealed record SnapshotLimits
{
    /// <summary>Arrays are indexed by int: at most this many nodes.</summary>
    public int MaxNodeCount { get; init; } = int.MaxValue - 64;

    /// <summary>Edges are indexed by int: at most this many edges.</summary>
    public int MaxEdgeCount { get; init; } = int.MaxValue - 64;

    /// <summary>At most this many entries in the string table.</summary>
    public int MaxStringCount { get; init; } = int.MaxValue - 64;

    /// <summary>At most this many fields per node or edge (Node 20 writes 7 and 3).</summary>
    public int MaxFieldCount { get; init; } = 64;

    /// <summary>The header object is small; a larger one is not a snapshot.</summary>
    public int MaxHeaderBytes { get; init; } = 1 << 20;

    /// <summary>At most this many levels of nesting in <c>trace_tree</c> (call depth of an allocation stack).</summary>
    public int MaxTraceDepth { get; init; } = 1 << 16;

    public static SnapshotLimits Default { get; } = new();
}
