namespace Heapdog.Snapshot;

/// <summary>
/// A loaded heap snapshot as flat per-field arrays (struct of arrays), never one object per node.
/// Per node: type (1 B), name (4 B), id (4 B), self size (4 B), first edge (4 B), optional trace node id (4 B) and
/// detachedness (1 B): 17–22 bytes. Per edge: type (1 B), name or index (4 B), target ordinal (4 B): 9 bytes.
/// Nodes are addressed by ordinal (offset ÷ field count); node <c>i</c> owns edges
/// <c>FirstEdge[i] .. FirstEdge[i+1]</c>. Every index was validated while loading, so kernels may trust them.
/// </summary>
public sealed class HeapSnapshot
{
    internal HeapSnapshot(SnapshotMeta meta, int nodeCount, int edgeCount)
        : this(meta, new byte[nodeCount], new int[nodeCount], new uint[nodeCount], new uint[nodeCount], new int[nodeCount + 1],
            new byte[edgeCount], new int[edgeCount], new int[edgeCount])
    {
    }

    /// <summary>Over arrays filled elsewhere (the analysis index); lengths must agree (nodes, nodes + 1, edges).</summary>
    internal HeapSnapshot(SnapshotMeta meta, byte[] nodeTypes, int[] nodeNames, uint[] nodeIds, uint[] selfSizes, int[] firstEdge,
        byte[] edgeTypes, int[] edgeNames, int[] edgeTargets)
    {
        Meta = meta;
        NodeCount = nodeTypes.Length;
        EdgeCount = edgeTypes.Length;
        NodeTypes = nodeTypes;
        NodeNames = nodeNames;
        NodeIds = nodeIds;
        SelfSizes = selfSizes;
        FirstEdge = firstEdge;
        EdgeTypes = edgeTypes;
        EdgeNames = edgeNames;
        EdgeTargets = edgeTargets;
    }

    public SnapshotMeta Meta { get; }
    public int NodeCount { get; }
    public int EdgeCount { get; }
    public int RootOrdinal => Meta.RootIndex / Meta.NodeFieldCount;

    public byte[] NodeTypes { get; }
    /// <summary>String index of each node's name.</summary>
    public int[] NodeNames { get; }
    public uint[] NodeIds { get; }
    /// <summary>
    /// Each node's self size. Raw <c>self_size</c> after loading; <see cref="SnapshotAnalysis"/> moves the sizes of
    /// singly owned hidden/array stores into their owners (DevTools' shallow size) in place.
    /// </summary>
    public uint[] SelfSizes { get; }
    public int[] FirstEdge { get; }
    /// <summary>Allocation trace node per node, or null when the snapshot has none (allocation tracking off).</summary>
    public int[]? TraceNodeIds { get; internal set; }
    /// <summary>0 unknown, 1 attached, 2 detached (a browser notion); null when the snapshot has no such field.</summary>
    public byte[]? Detachedness { get; internal set; }

    public byte[] EdgeTypes { get; }
    /// <summary>String index of the edge name, or the element/slot index for element and hidden edges.</summary>
    public int[] EdgeNames { get; }
    /// <summary>Target node ordinal.</summary>
    public int[] EdgeTargets { get; }

    public StringTable Strings { get; internal set; } = null!;
    public SourceLocations Locations { get; internal set; } = SourceLocations.Empty;
    /// <summary>The allocation stacks behind <see cref="TraceNodeIds"/>, or null when allocation tracking was off.</summary>
    public AllocationTrace? AllocationTrace { get; internal set; }

    /// <summary>Size of the file this was read from, in bytes (-1 if unknown).</summary>
    public long FileSize { get; internal set; } = -1;

    public bool ShallowSizesTransferred { get; internal set; }

    public int EdgeCountOf(int ordinal) => FirstEdge[ordinal + 1] - FirstEdge[ordinal];

    public string NodeTypeName(int ordinal) => Meta.NodeTypeName(NodeTypes[ordinal]);

    public string NodeName(int ordinal) => Strings[NodeNames[ordinal]];

    /// <summary>The edge's name as DevTools prints it: element and hidden edges by index, others by string.</summary>
    public string EdgeName(int edge)
    {
        int type = EdgeTypes[edge];
        return type == _edgeElement || type == _edgeHidden ? EdgeNames[edge].ToString(System.Globalization.CultureInfo.InvariantCulture) : Strings[EdgeNames[edge]];
    }

    public bool EdgeHasStringName(int edge)
    {
        int type = EdgeTypes[edge];
        return type != _edgeElement && type != _edgeHidden;
    }

    private int _edgeElement = -2, _edgeHidden = -2;

    internal void CacheTypeIndexes()
    {
        _edgeElement = Meta.EdgeType("element");
        _edgeHidden = Meta.EdgeType("hidden");
    }
}
