namespace Heapdog.Snapshot;

/// <summary>
/// Caps on what a snapshot may declare, checked against the header and the file size before anything is allocated,
/// so a corrupted header cannot make Heapdog allocate gigabytes or loop forever. None is below what V8 can write:
/// V8's serializer (heap-snapshot-generator.cc) numbers nodes, edges and strings with C++ <c>int</c> and writes
/// <c>to_node</c> as <c>node index × field count</c>, also an <c>int</c>, so a snapshot V8 can write has fewer than
/// 2^31 ÷ 7 ≈ 306 M nodes, fewer than 2^31 edges and strings, and no number above 2^32 - 1 (ids and sizes are
/// unsigned 32-bit). The reader takes every number up to 2^32 - 1.
/// </summary>
public sealed record SnapshotLimits
{
    /// <summary>
    /// Per-node arrays are .NET arrays indexed by int (at most 2,147,483,591 elements for byte arrays): at most
    /// this many nodes. V8 cannot write more than ~306 M (see the type's remarks).
    /// </summary>
    public int MaxNodeCount { get; init; } = int.MaxValue - 64;

    /// <summary>Per-edge arrays are indexed by int: at most this many edges. V8 counts edges in an int.</summary>
    public int MaxEdgeCount { get; init; } = int.MaxValue - 64;

    /// <summary>String indexes are ints in the node and edge arrays: at most this many strings. V8 numbers strings with an int.</summary>
    public int MaxStringCount { get; init; } = int.MaxValue - 64;

    /// <summary>
    /// At most this many fields per node, edge, trace function or trace node. Node 20 writes 7, 3, 6 and 5; the cap
    /// only stops a corrupted meta from making every record huge.
    /// </summary>
    public int MaxFieldCount { get; init; } = 64;

    /// <summary>
    /// The header object (meta and counts) is the one part read as a JSON document. V8 writes about 1 KB; a header
    /// over 1 MiB is not a snapshot, and is refused before it is buffered.
    /// </summary>
    public int MaxHeaderBytes { get; init; } = 1 << 20;

    /// <summary>
    /// At most this many levels of nesting in <c>trace_tree</c> (the call depth of an allocation stack). V8's stack
    /// limit (~1 MB by default) allows roughly 10–20 k JavaScript frames; 65,536 stays above any stack V8 can record.
    /// </summary>
    public int MaxTraceDepth { get; init; } = 1 << 16;

    public static SnapshotLimits Default { get; } = new();
}
