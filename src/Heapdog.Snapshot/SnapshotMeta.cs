namespace Heapdog.Snapshot;

/// <summary>
/// What the snapshot's <c>meta</c> header says: field names and offsets, type names, declared counts. Every offset and
/// type index is looked up by name here (never assumed), so snapshots from other V8 versions read correctly.
/// A type index that a name lookup did not find is -1 and matches nothing.
/// </summary>
public sealed class SnapshotMeta
{
    public required string[] NodeFields { get; init; }
    public required string[] NodeTypes { get; init; }
    public required string[] EdgeFields { get; init; }
    public required string[] EdgeTypes { get; init; }
    public required string[] LocationFields { get; init; }
    /// <summary><c>meta.trace_function_info_fields</c>; empty when the writer gives none (no allocation tracking data).</summary>
    public string[] TraceFunctionInfoFields { get; init; } = [];
    /// <summary><c>meta.trace_node_fields</c>; empty when the writer gives none.</summary>
    public string[] TraceNodeFields { get; init; } = [];

    public int DeclaredNodeCount { get; init; }
    public int DeclaredEdgeCount { get; init; }
    public int TraceFunctionCount { get; init; }
    /// <summary>Node offset of the root (header <c>root_index</c>), 0 when absent.</summary>
    public int RootIndex { get; init; }
    public long ExtraNativeBytes { get; init; }

    public int NodeFieldCount => NodeFields.Length;
    public int EdgeFieldCount => EdgeFields.Length;

    public int NodeType(string name) => Array.IndexOf(NodeTypes, name);
    public int EdgeType(string name) => Array.IndexOf(EdgeTypes, name);

    public string NodeTypeName(int type) => unchecked((uint)type) < (uint)NodeTypes.Length ? NodeTypes[type] : "unknown";
    public string EdgeTypeName(int type) => unchecked((uint)type) < (uint)EdgeTypes.Length ? EdgeTypes[type] : "unknown";
}
