namespace Heapdog.Snapshot.Reading;

/// <summary>
/// Reads <c>trace_tree</c>, V8's nested call tree (<c>[id, function, count, size, [children…], id, …]</c>), with an
/// explicit stack and a depth cap, and joins it with <c>trace_function_infos</c> into an <see cref="AllocationTrace"/>.
/// Every index is checked: a bad one is a malformed snapshot, never an exception later.
/// </summary>
internal static class AllocationTraceReader
{
    /// <summary>The tree as read: per trace node its id, function index and parent index (-1 at the top).</summary>
    internal sealed class Tree
    {
        public readonly List<int> Ids = [], Functions = [], Parents = [];
        public long EndOffset;
        public int Count => Ids.Count;
    }

    /// <summary>Reads the tree; null (and the section skipped) when <c>meta.trace_node_fields</c> does not describe it.</summary>
    public static Tree? ReadTree(ByteReader reader, string[] fields, SnapshotLimits limits)
    {
        int idField = Array.IndexOf(fields, "id"), functionField = Array.IndexOf(fields, "function_info_index");
        int childrenField = Array.IndexOf(fields, "children");
        // V8 writes the children last; another layout is not one this reader knows, and the data is optional.
        if (idField < 0 || functionField < 0 || childrenField != fields.Length - 1)
        {
            reader.SkipValue("in 'trace_tree'");
            return null;
        }
        var tree = new Tree();
        var callers = new List<int>();
        int parent = -1;
        reader.Expect((byte)'[', "to open 'trace_tree'");
        if (reader.PeekToken() == ']')
        {
            reader.Pos++;
            tree.EndOffset = reader.Offset;
            return tree;
        }
        while (true)
        {
            int node = tree.Count;
            int id = 0, function = 0;
            for (int f = 0; f < childrenField; f++)
            {
                if (f > 0) reader.Expect((byte)',', $"between the fields of trace node {node:N0}");
                int value = ReadNumber(reader, $"in 'trace_tree' at trace node {node:N0}");
                if (f == idField) id = value;
                else if (f == functionField) function = value;
            }
            if (childrenField > 0) reader.Expect((byte)',', $"before the children of trace node {node:N0}");
            reader.Expect((byte)'[', $"to open the children of trace node {node:N0}");
            tree.Ids.Add(id);
            tree.Functions.Add(function);
            tree.Parents.Add(parent);
            if (reader.PeekToken() != ']')
            {
                if (callers.Count >= limits.MaxTraceDepth) reader.Fail($"'trace_tree' nests deeper than {limits.MaxTraceDepth:N0} levels");
                callers.Add(parent);
                parent = node;
                continue;
            }
            reader.Pos++;
            // Close every list that ends here; a ',' means a sibling follows.
            while (true)
            {
                int next = reader.PeekToken();
                if (next == ',') { reader.Pos++; break; }
                if (next != ']')
                    reader.Fail(next < 0 ? "the file ends inside 'trace_tree'" : $"expected ',' or ']' in 'trace_tree' after trace node {node:N0}, found {ByteReader.Describe(next)}");
                reader.Pos++;
                if (parent < 0)
                {
                    tree.EndOffset = reader.Offset;
                    return tree;
                }
                parent = callers[^1];
                callers.RemoveAt(callers.Count - 1);
            }
        }
    }

    private static int ReadNumber(ByteReader reader, string where)
    {
        int b = reader.PeekToken();
        if (b is < '0' or > '9') reader.Fail(b < 0 ? $"the file ends {where}" : $"expected a number {where}, found {ByteReader.Describe(b)}");
        long value = 0;
        int digits = 0;
        while ((reader.Pos < reader.Len || reader.Ensure(1) > 0) && reader.Buffer[reader.Pos] is >= (byte)'0' and <= (byte)'9')
        {
            // Ten digits cannot overflow a long; more is out of range anyway.
            if (++digits > 10) reader.Fail($"number out of range {where}");
            value = value * 10 + (reader.Buffer[reader.Pos++] - '0');
        }
        if (value > int.MaxValue) reader.Fail($"number {value} out of range {where}");
        return (int)value;
    }

    /// <summary>Joins the function table with the tree and checks every index: string indexes, function indexes, the
    /// uniqueness of trace node ids, and that every heap node's trace node id is in the tree.</summary>
    public static AllocationTrace Build(HeapSnapshot snapshot, ReadOnlySpan<int> functions, Tree tree, long offset)
    {
        var fields = snapshot.Meta.TraceFunctionInfoFields;
        int nameField = Array.IndexOf(fields, "name"), scriptField = Array.IndexOf(fields, "script_name");
        int scriptIdField = Array.IndexOf(fields, "script_id"), lineField = Array.IndexOf(fields, "line"), columnField = Array.IndexOf(fields, "column");
        if (nameField < 0 || scriptField < 0 || scriptIdField < 0 || lineField < 0 || columnField < 0)
            throw new SnapshotFormatException($"unsupported snapshot version: meta.trace_function_info_fields lacks name, script_name, script_id, line or column (fields: {string.Join(", ", fields)})", offset, unsupported: true);
        if (functions.Length % fields.Length != 0)
            throw new SnapshotFormatException($"'trace_function_infos' has {functions.Length:N0} elements, not a multiple of {fields.Length} fields", offset);
        int functionCount = functions.Length / fields.Length;
        int stringCount = snapshot.Strings.Count;
        var name = new int[functionCount];
        var script = new int[functionCount];
        var scriptId = new int[functionCount];
        var line = new int[functionCount];
        var column = new int[functionCount];
        for (int f = 0; f < functionCount; f++)
        {
            int b = f * fields.Length;
            name[f] = functions[b + nameField];
            script[f] = functions[b + scriptField];
            if ((uint)name[f] >= (uint)stringCount || (uint)script[f] >= (uint)stringCount)
                throw new SnapshotFormatException($"trace function {f:N0} names string {Math.Max(name[f], script[f]):N0}, but there are only {stringCount:N0} strings", offset);
            scriptId[f] = functions[b + scriptIdField];
            line[f] = functions[b + lineField];
            column[f] = functions[b + columnField];
        }

        int count = tree.Count;
        var ids = tree.Ids.ToArray();
        var nodeFunction = tree.Functions.ToArray();
        var parents = tree.Parents.ToArray();
        var nodeOfId = new Dictionary<int, int>(count);
        for (int n = 0; n < count; n++)
        {
            if ((uint)nodeFunction[n] >= (uint)functionCount)
                throw new SnapshotFormatException($"trace node {n:N0} names function {nodeFunction[n]:N0}, but 'trace_function_infos' has only {functionCount:N0}", tree.EndOffset);
            if (!nodeOfId.TryAdd(ids[n], n))
                throw new SnapshotFormatException($"trace node id {ids[n]:N0} occurs twice in 'trace_tree'", tree.EndOffset);
        }
        if (snapshot.TraceNodeIds is { } traced)
            for (int v = 0; v < traced.Length; v++)
                if (traced[v] != 0 && !nodeOfId.ContainsKey(traced[v]))
                    throw new SnapshotFormatException($"node {v:N0} names trace node {traced[v]:N0}, which is not in 'trace_tree'", offset);
        return new AllocationTrace(snapshot.Strings, name, script, scriptId, line, column, ids, nodeFunction, parents, nodeOfId);
    }
}
