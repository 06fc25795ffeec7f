using Heapdog.Snapshot;

namespace Heapdog.Leaks;

// Step 4b: where the new objects were allocated, when the last snapshot was taken with allocation tracking on.
public sealed partial class LeakDetector
{
    private sealed partial class Detection
    {
        /// <summary>Per class index: its new objects by trace node id (count, bytes); null without an allocation trace.</summary>
        private Dictionary<int, Dictionary<int, (long Count, long Bytes)>>? _classAllocations;

        /// <summary>Counts new object <paramref name="v"/> under its trace node in <paramref name="byTraceNode"/>
        /// (created when needed); objects the tracker did not see (allocated before tracking began) are not counted.</summary>
        private void CountAllocation(ref Dictionary<int, (long Count, long Bytes)>? byTraceNode, int v)
        {
            if (_snapshot.AllocationTrace is null || _snapshot.TraceNodeIds is not { } traced || traced[v] == 0) return;
            byTraceNode ??= [];
            uint size = _snapshot.SelfSizes[v];
            byTraceNode[traced[v]] = byTraceNode.TryGetValue(traced[v], out var c) ? (c.Count + 1, c.Bytes + size) : (1, size);
        }

        private void CountClassAllocation(int cls, int v)
        {
            if (_snapshot.AllocationTrace is null) return;
            _classAllocations ??= [];
            var byTraceNode = _classAllocations.GetValueOrDefault(cls);
            CountAllocation(ref byTraceNode, v);
            if (byTraceNode is not null) _classAllocations[cls] = byTraceNode;
        }

        /// <summary>The top stacks of <paramref name="byTraceNode"/>, most bytes first; null without an allocation
        /// trace, empty when none of the objects was allocated while tracking.</summary>
        private IReadOnlyList<AllocationStack>? StacksOf(Dictionary<int, (long Count, long Bytes)>? byTraceNode)
        {
            if (_snapshot.AllocationTrace is not { } trace) return null;
            if (byTraceNode is null) return [];
            var stacks = new List<AllocationStack>();
            foreach (var (id, (count, bytes)) in byTraceNode.OrderByDescending(p => p.Value.Bytes).ThenByDescending(p => p.Value.Count).ThenBy(p => p.Key)
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
