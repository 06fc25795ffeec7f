namespace Heapdog.Snapshot.Analysis;

// Page ownership, shallow-size transfer and distances: ports of DevTools' JSHeapSnapshot.markPageOwnedNodes,
// calculateShallowSizes and calculateDistances, with flat arrays and explicit stacks.
public sealed partial class SnapshotAnalysis
{
    /// <summary>True for the root's non-synthetic children (and the DOM trees root), DevTools' "user roots".</summary>
    private bool IsUserRoot(int ordinal) =>
        Snapshot.NodeTypes[ordinal] != _types.Synthetic
        || Snapshot.Strings.EqualsAscii(Snapshot.NodeNames[ordinal], "(Document DOM trees)"u8);

    private bool HasUserRoots()
    {
        var s = Snapshot;
        int root = RootOrdinal;
        for (int e = s.FirstEdge[root]; e < s.FirstEdge[root + 1]; e++)
            if (IsUserRoot(s.EdgeTargets[e])) return true;
        return false;
    }

    /// <summary>
    /// Objects reachable without weak edges from the root's shortcut edges (global objects) are "page-owned";
    /// an edge from a non-page-owned object into a page-owned one does not count for dominators.
    /// </summary>
    private void MarkPageOwned()
    {
        var s = Snapshot;
        var owned = new byte[s.NodeCount];
        var stack = new int[s.NodeCount];
        int top = 0;
        int root = RootOrdinal;
        var targets = s.EdgeTargets;
        var types = s.EdgeTypes;
        var firstEdge = s.FirstEdge;
        for (int e = firstEdge[root]; e < firstEdge[root + 1]; e++)
        {
            int t = targets[e];
            if (types[e] == _types.EdgeElement)
            {
                if (!(s.NodeTypes[t] == _types.Synthetic && s.Strings.EqualsAscii(s.NodeNames[t], "(Document DOM trees)"u8))) continue;
            }
            else if (types[e] != _types.EdgeShortcut) continue;
            stack[top++] = t;
            owned[t] = 1;
        }
        int weak = _types.EdgeWeak;
        while (top > 0)
        {
            int v = stack[--top];
            for (int e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++)
            {
                int t = targets[e];
                if (owned[t] != 0 || types[e] == weak) continue;
                owned[t] = 1;
                stack[top++] = t;
            }
        }
        _pageOwned = owned;
    }

    /// <summary>
    /// Moves the self size of hidden and array nodes (and external string data) that have exactly one owner into
    /// that owner, as DevTools' Shallow Size does: an object's <c>(object properties)</c> store counts as the object's.
    /// Skipped when the snapshot has no user roots (written with internals exposed), as DevTools does.
    /// </summary>
    private void TransferShallowSizes()
    {
        var s = Snapshot;
        if (s.ShallowSizesTransferred || !HasUserRoots()) return;
        const uint Unvisited = 0xFFFFFFFF;
        const uint Multiple = 0xFFFFFFFE;
        int n = s.NodeCount;
        var owners = new uint[n];
        var worklist = new int[n];
        int top = 0;
        var nodeTypes = s.NodeTypes;
        int externalStringData = Known.ExternalStringData;
        for (int i = 0; i < n; i++)
        {
            int t = nodeTypes[i];
            if (t == _types.Hidden || t == _types.Array || (t == _types.Native && s.NodeNames[i] == externalStringData))
                owners[i] = Unvisited;
            else
            {
                owners[i] = (uint)i;
                worklist[top++] = i;
            }
        }
        var targets = s.EdgeTargets;
        var edgeTypes = s.EdgeTypes;
        var firstEdge = s.FirstEdge;
        int weak = _types.EdgeWeak;
        while (top > 0)
        {
            int id = worklist[--top];
            uint owner = owners[id];
            for (int e = firstEdge[id], end = firstEdge[id + 1]; e < end; e++)
            {
                if (edgeTypes[e] == weak) continue;
                int target = targets[e];
                uint current = owners[target];
                if (current == Unvisited)
                {
                    owners[target] = owner;
                    if (top == worklist.Length) Array.Resize(ref worklist, worklist.Length * 2);
                    worklist[top++] = target;
                }
                else if (current != (uint)target && current != owner && current != Multiple)
                {
                    owners[target] = Multiple;
                    // A node goes on the list at most twice: once owned, once shared.
                    if (top == worklist.Length) Array.Resize(ref worklist, worklist.Length * 2);
                    worklist[top++] = target;
                }
            }
        }
        var sizes = s.SelfSizes;
        int root = RootOrdinal;
        for (int i = 0; i < n; i++)
        {
            uint owner = owners[i];
            if (owner == Unvisited || owner == Multiple || owner == (uint)i) continue;
            int o = (int)owner;
            if (nodeTypes[o] == _types.Synthetic || o == root) continue;
            // DevTools keeps sizes in 32 bits; saturate rather than wrap on absurd inputs.
            sizes[o] = (uint)Math.Min(uint.MaxValue, (ulong)sizes[o] + sizes[i]);
            sizes[i] = 0;
        }
        s.ShallowSizesTransferred = true;
    }

    private KnownStrings? _known;

    /// <summary>Found on first use (a benign race: two threads would find the same indexes).</summary>
    private KnownStrings Known => _known ??= KnownStrings.Find(Snapshot.Strings);

    /// <summary>
    /// DevTools' distances: BFS from the user roots (distance 1), then from the root for what is left (system
    /// objects, from <see cref="BaseSystemDistance"/>). Weak edges never count. DevTools' filter also skips
    /// <c>sloppy_function_map</c> of native contexts, the descriptor links of <c>(map descriptors)</c>, and the
    /// first-seen edge of each WeakMap key/value pair (so a value is as far as the farther of key and table).
    /// <paramref name="ignored"/> (optional) marks nodes the BFS must not enter, for "ignore this retainer".
    /// </summary>
    internal int[] ComputeDistances(BitSet? ignored)
    {
        var s = Snapshot;
        int n = s.NodeCount;
        var distances = new int[n];
        Array.Fill(distances, NoDistance);
        var queue = new int[n];
        int length = 0;
        int root = RootOrdinal;
        for (int e = s.FirstEdge[root]; e < s.FirstEdge[root + 1]; e++)
        {
            int t = s.EdgeTargets[e];
            if (IsUserRoot(t))
            {
                distances[t] = 1;
                queue[length++] = t;
            }
        }
        var pending = new HashSet<int>();
        var filter = new DistanceFilter(this, pending, ignored);
        Bfs(queue, 0, length, distances, ref filter);
        distances[root] = length > 0 ? BaseSystemDistance : 0;
        queue[0] = root;
        Bfs(queue, 0, 1, distances, ref filter);
        return distances;
    }

    private void Bfs(int[] queue, int head, int length, int[] distances, ref DistanceFilter filter)
    {
        var s = Snapshot;
        var targets = s.EdgeTargets;
        var edgeTypes = s.EdgeTypes;
        var firstEdge = s.FirstEdge;
        int weak = _types.EdgeWeak;
        while (head < length)
        {
            int v = queue[head++];
            int distance = distances[v] + 1;
            bool special = filter.NeedsCheck(v);
            for (int e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++)
            {
                int type = edgeTypes[e];
                if (type == weak) continue;
                int child = targets[e];
                if (distances[child] != NoDistance) continue;
                if ((special || type == _types.EdgeInternal || filter.HasIgnored) && !filter.Allows(v, e, child)) continue;
                distances[child] = distance;
                queue[length++] = child;
            }
        }
    }

    /// <summary>DevTools' distance filter (JSHeapSnapshot.calculateDistances), checked only where it can apply.</summary>
    private readonly struct DistanceFilter(SnapshotAnalysis analysis, HashSet<int> pendingPairs, BitSet? ignored)
    {
        private readonly int _nativeContext = analysis.Known.NativeContext;
        private readonly int _sloppyFunctionMap = analysis.Known.SloppyFunctionMap;
        private readonly int _mapDescriptors = analysis.Known.MapDescriptors;

        public bool HasIgnored => ignored is not null;

        /// <summary>Whether edges out of <paramref name="v"/> need the per-edge node checks.</summary>
        public bool NeedsCheck(int v)
        {
            var s = analysis.Snapshot;
            int type = s.NodeTypes[v], name = s.NodeNames[v];
            return (type == analysis._types.Hidden && name == _nativeContext && _nativeContext >= 0)
                || (type == analysis._types.Array && name == _mapDescriptors && _mapDescriptors >= 0);
        }

        public bool Allows(int v, int e, int child)
        {
            if (ignored is not null && ignored.Get(child)) return false;
            var s = analysis.Snapshot;
            var types = analysis._types;
            int nodeType = s.NodeTypes[v];
            int edgeType = s.EdgeTypes[e];
            if (nodeType == types.Hidden && s.NodeNames[v] == _nativeContext && _nativeContext >= 0
                && s.EdgeHasStringName(e) && s.EdgeNames[e] == _sloppyFunctionMap) return false;
            if (nodeType == types.Array && s.NodeNames[v] == _mapDescriptors && _mapDescriptors >= 0)
            {
                int index = DescriptorIndex(s, e);
                return index < 2 || index % 3 != 1;
            }
            if (edgeType == types.EdgeInternal && analysis._weakMaps.TryParse(s.EdgeNames[e], out _, out int pair))
            {
                // Skip the first edge of each key/value pair; take the second.
                if (!pendingPairs.Remove(pair))
                {
                    pendingPairs.Add(pair);
                    return false;
                }
            }
            return true;
        }

        /// <summary>parseInt(edge.name()) as DevTools does: element/hidden edges by index, others parsed from the name (NaN → not 1 mod 3).</summary>
        private static int DescriptorIndex(HeapSnapshot s, int e)
        {
            if (!s.EdgeHasStringName(e)) return s.EdgeNames[e];
            var bytes = s.Strings.Utf8(s.EdgeNames[e]);
            int value = 0, digits = 0;
            while (digits < bytes.Length && digits < 9 && bytes[digits] >= '0' && bytes[digits] <= '9')
                value = value * 10 + (bytes[digits++] - '0');
            return digits == 0 ? 0 : value; // NaN < 2 is false and NaN % 3 !== 1 is true: allowed either way
        }
    }
}
