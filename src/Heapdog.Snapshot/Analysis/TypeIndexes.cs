namespace Heapdog.Snapshot.Analysis;

/// <summary>Node and edge type numbers looked up by name from meta once (-1 when this snapshot has no such type).</summary>
internal readonly struct TypeIndexes
{
    public readonly int Hidden, Array, String, Object, Code, Closure, RegExp, Number, Native, Synthetic, ConsString, SlicedString;
    public readonly int EdgeContext, EdgeElement, EdgeProperty, EdgeInternal, EdgeHidden, EdgeShortcut, EdgeWeak;

    public TypeIndexes(SnapshotMeta meta)
    {
        Hidden = meta.NodeType("hidden");
        Array = meta.NodeType("array");
        String = meta.NodeType("string");
        Object = meta.NodeType("object");
        Code = meta.NodeType("code");
        Closure = meta.NodeType("closure");
        RegExp = meta.NodeType("regexp");
        Number = meta.NodeType("number");
        Native = meta.NodeType("native");
        Synthetic = meta.NodeType("synthetic");
        ConsString = meta.NodeType("concatenated string");
        SlicedString = meta.NodeType("sliced string");
        EdgeContext = meta.EdgeType("context");
        EdgeElement = meta.EdgeType("element");
        EdgeProperty = meta.EdgeType("property");
        EdgeInternal = meta.EdgeType("internal");
        EdgeHidden = meta.EdgeType("hidden");
        EdgeShortcut = meta.EdgeType("shortcut");
        EdgeWeak = meta.EdgeType("weak");
    }
}
