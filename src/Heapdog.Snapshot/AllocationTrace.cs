namespace Heapdog.Snapshot;

/// <summary>
/// The allocation stacks of a snapshot taken while allocation tracking was on (<c>trace_function_infos</c> and
/// <c>trace_tree</c>). The tree is a call tree: each trace node is one function called from its parent's, so a node and
/// its ancestors are an allocation stack, top frame first. A heap node names the trace node it was allocated at
/// (<see cref="HeapSnapshot.TraceNodeIds"/>, 0 for none).
/// <para>
/// Layout: per function five ints (name and script name as string indexes, script id, line, column); per trace node
/// three ints (id, function, parent index) plus a map from id to index: 12 bytes per trace node, about 40 with the map.
/// Every index was validated while reading.
/// </para>
/// <para>
/// V8 records, per function, where the function starts (its header), 1-based, 0 when unknown; it records no position
/// inside the function. So a frame names the function that allocated and its callers, not the statement.
/// </para>
/// </summary>
public sealed class AllocationTrace
{
    private readonly StringTable _strings;
    private readonly int[] _functionName, _functionScript, _functionScriptId, _functionLine, _functionColumn;
    private readonly int[] _nodeId, _nodeFunction, _nodeParent;
    private readonly Dictionary<int, int> _nodeOfId;

    internal AllocationTrace(StringTable strings, int[] functionName, int[] functionScript, int[] functionScriptId, int[] functionLine,
        int[] functionColumn, int[] nodeId, int[] nodeFunction, int[] nodeParent, Dictionary<int, int> nodeOfId)
    {
        _strings = strings;
        _functionName = functionName;
        _functionScript = functionScript;
        _functionScriptId = functionScriptId;
        _functionLine = functionLine;
        _functionColumn = functionColumn;
        _nodeId = nodeId;
        _nodeFunction = nodeFunction;
        _nodeParent = nodeParent;
        _nodeOfId = nodeOfId;
    }

    public int FunctionCount => _functionName.Length;
    public int NodeCount => _nodeId.Length;

    /// <summary>The trace node (index) with id <paramref name="traceNodeId"/>, as heap nodes name it.</summary>
    public bool TryFindNode(int traceNodeId, out int node) => _nodeOfId.TryGetValue(traceNodeId, out node);

    public int IdOf(int node) => _nodeId[node];
    /// <summary>The caller's trace node, or -1 at the top of the tree.</summary>
    public int ParentOf(int node) => _nodeParent[node];
    public int FunctionOf(int node) => _nodeFunction[node];

    /// <summary>V8's synthetic top of the tree, <c>(root)</c>: not a frame of any stack.</summary>
    public bool IsRoot(int node) => _nodeParent[node] < 0 && FunctionName(_nodeFunction[node]) == "(root)";

    public string FunctionName(int function) => _strings[_functionName[function]];
    public string ScriptName(int function) => _strings[_functionScript[function]];
    public int ScriptId(int function) => _functionScriptId[function];
    /// <summary>1-based line of the function's start, 0 when unknown.</summary>
    public int Line(int function) => _functionLine[function];
    /// <summary>1-based column of the function's start, 0 when unknown.</summary>
    public int Column(int function) => _functionColumn[function];
}
