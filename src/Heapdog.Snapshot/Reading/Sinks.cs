namespace Heapdog.Snapshot.Reading;

/// <summary>What a node or edge field is for; fields the reader does not know are ignored.</summary>
internal enum FieldRole : byte
{
    Ignore,
    Type,
    Name,
    Id,
    SelfSize,
    EdgeCount,
    TraceNodeId,
    Detachedness,
    EdgeNameOrIndex,
    EdgeTarget,
}

/// <summary>Stores <c>nodes</c> elements into the per-field arrays and builds <c>FirstEdge</c> as it goes.</summary>
internal struct NodeSink(HeapSnapshot snapshot, FieldRole[] roles) : INumberSink
{
    private readonly long _limit = (long)snapshot.NodeCount * roles.Length;
    private int _field;
    private int _ordinal;
    private long _edgeSum;

    public string Problem { get; private set; } = "";

    public readonly long EdgeSum => _edgeSum;

    public int AddRange(long firstIndex, ReadOnlySpan<uint> values)
    {
        // Elements past the declared count are reported after the ones before them were checked.
        int take = (int)Math.Min(values.Length, Math.Max(0, _limit - firstIndex));
        string tooMany = $"more elements than the header's node_count ({snapshot.NodeCount:N0} nodes × {roles.Length} fields)";
        var types = snapshot.NodeTypes;
        var names = snapshot.NodeNames;
        var ids = snapshot.NodeIds;
        var sizes = snapshot.SelfSizes;
        var firstEdge = snapshot.FirstEdge;
        int field = _field, ordinal = _ordinal, fieldCount = roles.Length;
        long edgeSum = _edgeSum, edgeLimit = snapshot.EdgeCount;
        for (int k = 0; k < take; k++)
        {
            uint v = values[k];
            switch (roles[field])
            {
                case FieldRole.Type:
                    if (v > byte.MaxValue) { Problem = $"node type {v} is out of range"; return k; }
                    types[ordinal] = (byte)v;
                    break;
                case FieldRole.Name:
                    if (v > int.MaxValue) { Problem = $"string index {v} is out of range"; return k; }
                    names[ordinal] = (int)v;
                    break;
                case FieldRole.Id:
                    ids[ordinal] = v;
                    break;
                case FieldRole.SelfSize:
                    sizes[ordinal] = v;
                    break;
                case FieldRole.EdgeCount:
                    firstEdge[ordinal] = (int)edgeSum;
                    edgeSum += v;
                    if (edgeSum > edgeLimit) { Problem = $"edge counts add up to more than the header's edge_count ({edgeLimit:N0})"; return k; }
                    break;
                case FieldRole.TraceNodeId:
                    if (v != 0)
                    {
                        if (v > int.MaxValue) { Problem = $"trace node id {v} is out of range"; return k; }
                        (snapshot.TraceNodeIds ??= new int[snapshot.NodeCount])[ordinal] = (int)v;
                    }
                    break;
                case FieldRole.Detachedness:
                    if (v != 0) (snapshot.Detachedness ??= new byte[snapshot.NodeCount])[ordinal] = (byte)Math.Min(v, 255u);
                    break;
            }
            if (++field == fieldCount)
            {
                field = 0;
                ordinal++;
            }
        }
        _field = field;
        _ordinal = ordinal;
        _edgeSum = edgeSum;
        if (take < values.Length) { Problem = tooMany; return take; }
        return -1;
    }
}

/// <summary>Stores <c>edges</c> elements, turning <c>to_node</c> offsets into validated ordinals.</summary>
internal struct EdgeSink(HeapSnapshot snapshot, FieldRole[] roles) : INumberSink
{
    private readonly long _limit = (long)snapshot.EdgeCount * roles.Length;
    private int _field;
    private int _edge;

    public string Problem { get; private set; } = "";

    public int AddRange(long firstIndex, ReadOnlySpan<uint> values)
    {
        int take = (int)Math.Min(values.Length, Math.Max(0, _limit - firstIndex));
        string tooMany = $"more elements than the header's edge_count ({snapshot.EdgeCount:N0} edges × {roles.Length} fields)";
        var types = snapshot.EdgeTypes;
        var names = snapshot.EdgeNames;
        var targets = snapshot.EdgeTargets;
        uint nodeFieldCount = (uint)snapshot.Meta.NodeFieldCount;
        ulong nodeLimit = (ulong)snapshot.NodeCount * nodeFieldCount;
        int field = _field, edge = _edge, fieldCount = roles.Length;
        for (int k = 0; k < take; k++)
        {
            uint v = values[k];
            switch (roles[field])
            {
                case FieldRole.Type:
                    if (v > byte.MaxValue) { Problem = $"edge type {v} is out of range"; return k; }
                    types[edge] = (byte)v;
                    break;
                case FieldRole.EdgeNameOrIndex:
                    if (v > int.MaxValue) { Problem = $"edge name or index {v} is out of range"; return k; }
                    names[edge] = (int)v;
                    break;
                case FieldRole.EdgeTarget:
                    uint ordinal = v / nodeFieldCount;
                    if (ordinal * nodeFieldCount != v || v >= nodeLimit)
                    {
                        Problem = $"to_node {v} is not the offset of a node (node count {snapshot.NodeCount:N0}, {nodeFieldCount} fields)";
                        return k;
                    }
                    targets[edge] = (int)ordinal;
                    break;
            }
            if (++field == fieldCount)
            {
                field = 0;
                edge++;
            }
        }
        _field = field;
        _edge = edge;
        if (take < values.Length) { Problem = tooMany; return take; }
        return -1;
    }
}

/// <summary>Collects a numeric array of unknown length (locations) into a growable int buffer.</summary>
internal struct IntListSink : INumberSink
{
    public int[] Values;
    public int Count;

    public IntListSink() => Values = new int[256];

    public string Problem { get; private set; } = "";

    public int AddRange(long firstIndex, ReadOnlySpan<uint> values)
    {
        if (Count + values.Length > Values.Length) Array.Resize(ref Values, Math.Max(Values.Length * 2, Count + values.Length));
        for (int k = 0; k < values.Length; k++)
        {
            if (values[k] > int.MaxValue) { Problem = $"value {values[k]} is out of range"; return k; }
            Values[Count++] = (int)values[k];
        }
        return -1;
    }
}
