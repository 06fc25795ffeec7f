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

    public bool Add(long index, ulong value)
    {
        if (index >= _limit) { Problem = $"more elements than the header's node_count ({snapshot.NodeCount:N0} nodes × {roles.Length} fields)"; return false; }
        if (value > uint.MaxValue) { Problem = $"value {value} is out of range"; return false; }
        uint v = (uint)value;
        switch (roles[_field])
        {
            case FieldRole.Type:
                if (v > byte.MaxValue) { Problem = $"node type {v} is out of range"; return false; }
                snapshot.NodeTypes[_ordinal] = (byte)v;
                break;
            case FieldRole.Name:
                if (v > int.MaxValue) { Problem = $"string index {v} is out of range"; return false; }
                snapshot.NodeNames[_ordinal] = (int)v;
                break;
            case FieldRole.Id:
                snapshot.NodeIds[_ordinal] = v;
                break;
            case FieldRole.SelfSize:
                snapshot.SelfSizes[_ordinal] = v;
                break;
            case FieldRole.EdgeCount:
                snapshot.FirstEdge[_ordinal] = (int)_edgeSum;
                _edgeSum += v;
                if (_edgeSum > snapshot.EdgeCount) { Problem = $"edge counts add up to more than the header's edge_count ({snapshot.EdgeCount:N0})"; return false; }
                break;
            case FieldRole.TraceNodeId:
                if (v != 0)
                {
                    if (v > int.MaxValue) { Problem = $"trace node id {v} is out of range"; return false; }
                    (snapshot.TraceNodeIds ??= new int[snapshot.NodeCount])[_ordinal] = (int)v;
                }
                break;
            case FieldRole.Detachedness:
                (snapshot.Detachedness ??= new byte[snapshot.NodeCount])[_ordinal] = (byte)Math.Min(v, 255u);
                break;
        }
        if (++_field == roles.Length)
        {
            _field = 0;
            _ordinal++;
        }
        return true;
    }

    public readonly long EdgeSum => _edgeSum;
}

/// <summary>Stores <c>edges</c> elements, turning <c>to_node</c> offsets into validated ordinals.</summary>
internal struct EdgeSink(HeapSnapshot snapshot, FieldRole[] roles) : INumberSink
{
    private readonly long _limit = (long)snapshot.EdgeCount * roles.Length;
    private readonly int _nodeFieldCount = snapshot.Meta.NodeFieldCount;
    private int _field;
    private int _edge;

    public string Problem { get; private set; } = "";

    public bool Add(long index, ulong value)
    {
        if (index >= _limit) { Problem = $"more elements than the header's edge_count ({snapshot.EdgeCount:N0} edges × {roles.Length} fields)"; return false; }
        if (value > uint.MaxValue) { Problem = $"value {value} is out of range"; return false; }
        switch (roles[_field])
        {
            case FieldRole.Type:
                if (value > byte.MaxValue) { Problem = $"edge type {value} is out of range"; return false; }
                snapshot.EdgeTypes[_edge] = (byte)value;
                break;
            case FieldRole.EdgeNameOrIndex:
                if (value > int.MaxValue) { Problem = $"edge name or index {value} is out of range"; return false; }
                snapshot.EdgeNames[_edge] = (int)value;
                break;
            case FieldRole.EdgeTarget:
                if (value % (uint)_nodeFieldCount != 0 || value / (uint)_nodeFieldCount >= (ulong)snapshot.NodeCount)
                {
                    Problem = $"to_node {value} is not the offset of a node (node count {snapshot.NodeCount:N0}, {_nodeFieldCount} fields)";
                    return false;
                }
                snapshot.EdgeTargets[_edge] = (int)(value / (uint)_nodeFieldCount);
                break;
        }
        if (++_field == roles.Length)
        {
            _field = 0;
            _edge++;
        }
        return true;
    }
}

/// <summary>Collects a numeric array of unknown length (locations, samples) into a growable int buffer.</summary>
internal struct IntListSink : INumberSink
{
    public int[] Values;
    public int Count;

    public IntListSink() => Values = new int[256];

    public string Problem { get; private set; } = "";

    public bool Add(long index, ulong value)
    {
        if (value > int.MaxValue) { Problem = $"value {value} is out of range"; return false; }
        if (Count == Values.Length) Array.Resize(ref Values, Count * 2);
        Values[Count++] = (int)value;
        return true;
    }
}
