using Heapdog.Snapshot;

namespace Heapdog.Leaks;

// Step 4b: where the new objects were allocated, when the last snapshot was taken with allocation tracking on.
public sealed partial class LeakDetector
{
    /// <summary>
    /// Per object new since the first snapshot: its trace node id in the earliest tracked snapshot but the last that
    /// had it, and per such trace node its stack then (<see cref="StackKey"/>). V8 moves an object's allocation trace
    /// along with the object only until the object has an id (<c>HeapProfiler::ObjectMoveEvent</c>), and while tracking,
    /// V8's inspector numbers every live object about every 50 ms: from then on a compacting GC that moves the object
    /// loses its trace, or leaves it on an address a dead object's trace still covers. Every later GC is another chance
    /// of that, so the earliest snapshot that saw an object is the likeliest to have its trace. Null until a tracked
    /// snapshot but the first and the last is added.
    /// </summary>
    private Dictionary<uint, int>? _earliestTraces;
    private Dictionary<int, string>? _earliestStacks;

    /// <summary>Remembers, for the objects of <paramref name="snapshot"/> not in the first one and not seen by an
    /// earlier one, the trace node that allocated them (<see cref="_earliestTraces"/>).</summary>
    private void RememberTraces(HeapSnapshot snapshot)
    {
        if (_digests.Count == 0 || snapshot.AllocationTrace is not { } trace || snapshot.TraceNodeIds is not { } traced) return;
        var first = _digests[0];
        var ids = snapshot.NodeIds;
        for (int v = 0; v < traced.Length; v++)
        {
            int node = traced[v];
            if (node == 0 || first.Contains(ids[v])) continue;
            _earliestTraces ??= [];
            _earliestStacks ??= [];
            if (_earliestTraces.TryAdd(ids[v], node) && !_earliestStacks.ContainsKey(node) && StackKey(trace, node) is { } key)
                _earliestStacks[node] = key;
        }
    }

    /// <summary>The frames of trace node <paramref name="traceNodeId"/> up to the root, as one string; null when the
    /// tree has no such node. Two snapshots of one tracking session give one node id the same key.</summary>
    private static string? StackKey(AllocationTrace trace, int traceNodeId)
    {
        if (!trace.TryFindNode(traceNodeId, out int n)) return null;
        var key = new System.Text.StringBuilder();
        for (; n >= 0 && !trace.IsRoot(n); n = trace.ParentOf(n))
        {
            int f = trace.FunctionOf(n);
            key.Append(trace.FunctionName(f)).Append('@').Append(trace.ScriptId(f)).Append(':').Append(trace.Line(f)).Append(':').Append(trace.Column(f)).Append('<');
        }
        return key.ToString();
    }

    private sealed partial class Detection
    {
        /// <summary>The earlier snapshots' trace node ids (<see cref="_earliestTraces"/>) whose stack the last snapshot's
        /// tree gives too: an id from another tracking session (snapshots given to <c>leaks</c>) names another stack.</summary>
        private HashSet<int>? _agreeingTraces;

        /// <summary>The trace node that allocated <paramref name="v"/>: the earliest snapshot's that saw it when its tree
        /// agrees with the last one's, else the last snapshot's own; 0 when the tracker did not see it.</summary>
        private int TraceOf(int v)
        {
            if (_detector._earliestTraces is { } earliest && earliest.TryGetValue(_snapshot.NodeIds[v], out int node))
            {
                _agreeingTraces ??= AgreeingTraces();
                if (_agreeingTraces.Contains(node)) return node;
            }
            return _snapshot.TraceNodeIds?[v] ?? 0; // null: no object of the last snapshot has a trace
        }

        private HashSet<int> AgreeingTraces()
        {
            var agreeing = new HashSet<int>();
            foreach (var (node, key) in _detector._earliestStacks ?? [])
                if (_snapshot.AllocationTrace is { } trace && StackKey(trace, node) == key) agreeing.Add(node);
            return agreeing;
        }

        /// <summary>Per class index: its new objects by trace node id (count, bytes); null without an allocation trace.</summary>
        private Dictionary<int, Dictionary<int, (long Count, long Bytes)>>? _classAllocations;

        /// <summary>Counts new object <paramref name="v"/> under its trace node in <paramref name="byTraceNode"/>
        /// (created when needed); objects without a stack (allocated before tracking began, or their trace lost by V8:
        /// <see cref="_earliestTraces"/>) under <see cref="Untraced"/>.</summary>
        private void CountAllocation(ref Dictionary<int, (long Count, long Bytes)>? byTraceNode, int v)
        {
            if (_snapshot.AllocationTrace is null) return;
            int node = TraceOf(v);
            byTraceNode ??= [];
            uint size = _snapshot.SelfSizes[v];
            byTraceNode[node] = byTraceNode.TryGetValue(node, out var c) ? (c.Count + 1, c.Bytes + size) : (1, size);
        }

        private void CountClassAllocation(int cls, int v)
        {
            if (_snapshot.AllocationTrace is null) return;
            _classAllocations ??= [];
            var byTraceNode = _classAllocations.GetValueOrDefault(cls);
            CountAllocation(ref byTraceNode, v);
            if (byTraceNode is not null) _classAllocations[cls] = byTraceNode;
        }

        /// <summary>The key under which <see cref="CountAllocation"/> counts objects with no allocation stack: V8 numbers trace nodes from 1.</summary>
        private const int Untraced = 0;

        /// <summary>How many of the objects counted in <paramref name="byTraceNode"/> have no allocation stack; null
        /// without an allocation trace.</summary>
        private long? UntracedOf(Dictionary<int, (long Count, long Bytes)>? byTraceNode) =>
            _snapshot.AllocationTrace is null ? null : byTraceNode?.GetValueOrDefault(Untraced).Count ?? 0;

        /// <summary>The top stacks of <paramref name="byTraceNode"/>, most bytes first; null without an allocation
        /// trace, empty when none of the objects was allocated while tracking.</summary>
        private IReadOnlyList<AllocationStack>? StacksOf(Dictionary<int, (long Count, long Bytes)>? byTraceNode)
        {
            if (_snapshot.AllocationTrace is not { } trace) return null;
            if (byTraceNode is null) return [];
            var stacks = new List<AllocationStack>();
            foreach (var (id, (count, bytes)) in byTraceNode.Where(p => p.Key != Untraced).OrderByDescending(p => p.Value.Bytes).ThenByDescending(p => p.Value.Count).ThenBy(p => p.Key)
                .Take(LeakThresholds.TopAllocationStacks))
            {
                var frames = new List<AllocationFrame>();
                trace.TryFindNode(id, out int n); // every id was checked against the tree while reading
                for (; n >= 0 && !trace.IsRoot(n) && frames.Count < LeakThresholds.AllocationFrames; n = trace.ParentOf(n))
                {
                    int f = trace.FunctionOf(n);
                    string name = trace.FunctionName(f);
                    frames.Add(new AllocationFrame(name.Length > 0 ? name : "(anonymous)", trace.ScriptName(f), trace.ScriptId(f), trace.Line(f), trace.Column(f)));
                }
                stacks.Add(new AllocationStack(frames, count, bytes));
            }
            return stacks;
        }

        /// <summary>The allocating function of the top stack in application code, as a location of kind
        /// <see cref="LocationKind.Allocation"/>: the stand-in when the objects have no constructor or closure of the application.</summary>
        private static CodeLocation? AllocationLocation(IReadOnlyList<AllocationStack>? stacks)
        {
            if (stacks is null) return null;
            foreach (var stack in stacks)
                foreach (var frame in stack.Frames)
                    if (frame.IsUserCode)
                        return new CodeLocation(frame.Script, frame.ScriptId, frame.Line, frame.Column) { Kind = LocationKind.Allocation, Name = frame.Function };
            return null;
        }
    }
}
