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

/// <summary>A sink that can take a slice of its array starting at any element, for <see cref="ParallelNumberReader"/>.</summary>
internal interface IRangeSink : INumberSink
{
    /// <summary>Makes the next <see cref="INumberSink.AddRange"/> start at element <paramref name="index"/>, with its own running sum from 0.</summary>
    void StartAt(long index, int fieldCount);

    /// <summary>The running sum of what this sink adds up (node edge counts; 0 for edges).</summary>
    long Sum { get; }
}

/// <summary>
/// Stores <c>nodes</c> elements into the per-field arrays and builds <c>FirstEdge</c> as it goes. Started part way
/// (<see cref="StartAt"/>), <c>FirstEdge</c> holds offsets from the slice's own first edge; the caller adds the sum of
/// the slices before it.
/// </summary>
internal struct NodeSink(HeapSnapshot snapshot, FieldRole[] roles) : IRangeSink
{
    private readonly long _limit = (long)snapshot.NodeCount * roles.Length;
    private readonly int _typeOffset = Array.IndexOf(roles, FieldRole.Type);
    private readonly int _nameOffset = Array.IndexOf(roles, FieldRole.Name);
    private readonly int _idOffset = Array.IndexOf(roles, FieldRole.Id);
    private readonly int _sizeOffset = Array.IndexOf(roles, FieldRole.SelfSize);
    private readonly int _countOffset = Array.IndexOf(roles, FieldRole.EdgeCount);
    private readonly int _traceOffset = Array.IndexOf(roles, FieldRole.TraceNodeId);
    private readonly int _detachedOffset = Array.IndexOf(roles, FieldRole.Detachedness);
    // A type outside meta.node_types is a corrupted record, not an "unknown" object: refused here, once, so the
    // analysis never meets a type it cannot name. Types are stored as bytes, so at most 256 names count.
    private readonly uint _typeCount = (uint)Math.Min(snapshot.Meta.NodeTypes.Length, byte.MaxValue + 1);
    private int _field;
    private int _ordinal;
    private long _edgeSum;

    public string Problem { get; private set; } = "";

    public readonly long EdgeSum => _edgeSum;

    public readonly long Sum => _edgeSum;

    public void StartAt(long index, int fieldCount)
    {
        _field = (int)(index % fieldCount);
        _ordinal = (int)(index / fieldCount);
        _edgeSum = 0;
    }

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
        uint typeCount = _typeCount;
        long edgeSum = _edgeSum, edgeLimit = snapshot.EdgeCount;
        int k = 0;
        while (k < take)
        {
            if (field == 0)
            {
                // Fast path over whole records while they hold nothing unusual (non-zero trace ids or detachedness,
                // out-of-range values): those go one value at a time through the general path below.
                int typeOffset = _typeOffset, nameOffset = _nameOffset, idOffset = _idOffset, sizeOffset = _sizeOffset, countOffset = _countOffset;
                int traceOffset = _traceOffset, detachedOffset = _detachedOffset;
                for (; k + fieldCount <= take; k += fieldCount)
                {
                    uint type = values[k + typeOffset], name = values[k + nameOffset];
                    if (type >= typeCount || name > int.MaxValue) break;
                    if ((traceOffset >= 0 && values[k + traceOffset] != 0) || (detachedOffset >= 0 && values[k + detachedOffset] != 0)) break;
                    long nextSum = edgeSum + values[k + countOffset];
                    if (nextSum > edgeLimit) break;
                    types[ordinal] = (byte)type;
                    names[ordinal] = (int)name;
                    ids[ordinal] = values[k + idOffset];
                    sizes[ordinal] = values[k + sizeOffset];
                    firstEdge[ordinal] = (int)edgeSum;
                    edgeSum = nextSum;
                    ordinal++;
                }
                if (k == take) break;
            }
                uint v = values[k++];
                switch (roles[field])
                {
                    case FieldRole.Type:
                        if (v >= typeCount)
                        {
                            Problem = $"node {ordinal:N0} has type {v}, not one of the {typeCount} in meta.node_types";
                            return k - 1;
                        }
                        types[ordinal] = (byte)v;
                        break;
                    case FieldRole.Name:
                        if (v > int.MaxValue) { Problem = $"string index {v} is out of range"; return k - 1; }
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
                        if (edgeSum > edgeLimit) { Problem = $"edge counts add up to more than the header's edge_count ({edgeLimit:N0})"; return k - 1; }
                        break;
                    case FieldRole.TraceNodeId:
                        if (v != 0)
                        {
                            if (v > int.MaxValue) { Problem = $"trace node id {v} is out of range"; return k - 1; }
                            EnsureTraceNodeIds(snapshot)[ordinal] = (int)v;
                        }
                        break;
                    case FieldRole.Detachedness:
                        if (v != 0) EnsureDetachedness(snapshot)[ordinal] = (byte)Math.Min(v, 255u);
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

    // The optional arrays are made on first use, by whichever slice meets a non-zero value first: under a lock, so
    // slices read in parallel share one array.
    private static int[] EnsureTraceNodeIds(HeapSnapshot snapshot)
    {
        if (snapshot.TraceNodeIds is { } ids) return ids;
        lock (snapshot) return snapshot.TraceNodeIds ??= new int[snapshot.NodeCount];
    }

    private static byte[] EnsureDetachedness(HeapSnapshot snapshot)
    {
        if (snapshot.Detachedness is { } values) return values;
        lock (snapshot) return snapshot.Detachedness ??= new byte[snapshot.NodeCount];
    }
}

/// <summary>Stores <c>edges</c> elements, turning <c>to_node</c> offsets into validated ordinals.</summary>
internal struct EdgeSink(HeapSnapshot snapshot, FieldRole[] roles) : IRangeSink
{
    private readonly long _limit = (long)snapshot.EdgeCount * roles.Length;
    private readonly int _typeOffset = Array.IndexOf(roles, FieldRole.Type);
    private readonly int _nameOffset = Array.IndexOf(roles, FieldRole.EdgeNameOrIndex);
    private readonly int _targetOffset = Array.IndexOf(roles, FieldRole.EdgeTarget);
    // As for nodes: a type outside meta.edge_types is corruption, refused while reading.
    private readonly uint _typeCount = (uint)Math.Min(snapshot.Meta.EdgeTypes.Length, byte.MaxValue + 1);
    private int _field;
    private int _edge;

    public string Problem { get; private set; } = "";

    public readonly long Sum => 0;

    public void StartAt(long index, int fieldCount)
    {
        _field = (int)(index % fieldCount);
        _edge = (int)(index / fieldCount);
    }

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
        uint typeCount = _typeCount;
        int k = 0;
        while (k < take)
        {
            if (field == 0)
            {
                // Fast path over whole records: the fields are where meta says, no per-value dispatch.
                int typeOffset = _typeOffset, nameOffset = _nameOffset, targetOffset = _targetOffset;
                for (; k + fieldCount <= take; k += fieldCount)
                {
                    uint type = values[k + typeOffset], name = values[k + nameOffset], target = values[k + targetOffset];
                    uint ordinal = target / nodeFieldCount;
                    if (type >= typeCount || name > int.MaxValue || ordinal * nodeFieldCount != target || target >= nodeLimit) break;
                    types[edge] = (byte)type;
                    names[edge] = (int)name;
                    targets[edge] = (int)ordinal;
                    edge++;
                }
                if (k == take) break;
            }
                uint v = values[k++];
                switch (roles[field])
                {
                    case FieldRole.Type:
                        if (v >= typeCount)
                        {
                            Problem = $"edge {edge:N0} has type {v}, not one of the {typeCount} in meta.edge_types";
                            return k - 1;
                        }
                        types[edge] = (byte)v;
                        break;
                    case FieldRole.EdgeNameOrIndex:
                        if (v > int.MaxValue) { Problem = $"edge name or index {v} is out of range"; return k - 1; }
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
