namespace Heapdog.Snapshot.Paths;

/// <summary>One link of a retainer path: <see cref="Node"/> reached from the previous node through <see cref="Edge"/> (-1 for the first node).</summary>
public readonly record struct PathStep(int Node, int Edge);

/// <summary>
/// Shortest retainer paths from the GC roots, as DevTools orders them: a breadth-first search from the user roots (the
/// root's non-synthetic children, such as <c>global</c>) first, then from the root for what only system roots hold.
/// Weak edges never count, and ignored nodes are cut out (DevTools' "ignore this retainer"). Iterative and flat:
/// 8 bytes per node (parent node and edge), so chains of any depth work.
/// </summary>
public sealed partial class ShortestPaths
{
    private readonly HeapSnapshot _snapshot;
    private readonly int[] _parentNode;
    private readonly int[] _parentEdge;
    private readonly int[] _depth;

    private ShortestPaths(HeapSnapshot snapshot, int[] parentNode, int[] parentEdge, int[] depth)
    {
        _snapshot = snapshot;
        _parentNode = parentNode;
        _parentEdge = parentEdge;
        _depth = depth;
    }

    public const int Unreachable = -1;

    /// <summary>The per-node results before a search: every node unreached, with no parent node or edge.</summary>
    private static (int[] ParentNode, int[] ParentEdge, int[] Depth) Unreached(int n)
    {
        var parentNode = new int[n];
        var parentEdge = new int[n];
        var depth = new int[n];
        Array.Fill(parentNode, -1);
        Array.Fill(parentEdge, -1);
        Array.Fill(depth, Unreachable);
        return (parentNode, parentEdge, depth);
    }

    /// <summary>Number of edges from the root to <paramref name="node"/>, or <see cref="Unreachable"/>.</summary>
    public int Depth(int node) => _depth[node];

    public int ParentOf(int node) => _parentNode[node];

    public int ParentEdgeOf(int node) => _parentEdge[node];

    public static ShortestPaths Compute(HeapSnapshot snapshot, IReadOnlySet<int>? ignored = null, CancellationToken cancellation = default)
    {
        int n = snapshot.NodeCount;
        var (parentNode, parentEdge, depth) = Unreached(n);
        int weak = snapshot.Meta.EdgeType("weak");
        int synthetic = snapshot.Meta.NodeType("synthetic");
        var firstEdge = snapshot.FirstEdge;
        var targets = snapshot.EdgeTargets;
        var edgeTypes = snapshot.EdgeTypes;
        int root = snapshot.RootOrdinal;
        var queue = new int[n];
        int head = 0, tail = 0;
        depth[root] = 0;

        // User roots first, so that a JS object is explained through globals rather than through handles.
        for (int e = firstEdge[root]; e < firstEdge[root + 1]; e++)
        {
            int t = targets[e];
            if (edgeTypes[e] == weak || snapshot.NodeTypes[t] == synthetic || depth[t] != Unreachable || (ignored?.Contains(t) ?? false)) continue;
            depth[t] = 1;
            parentNode[t] = root;
            parentEdge[t] = e;
            queue[tail++] = t;
        }
        for (int pass = 0; pass < 2; pass++)
        {
            if (pass == 1) queue[tail++] = root;
            while (head < tail)
            {
                if ((head & 0xFFFF) == 0) cancellation.ThrowIfCancellationRequested();
                int v = queue[head++];
                int d = depth[v] + 1;
                for (int e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++)
                {
                    if (edgeTypes[e] == weak) continue;
                    int t = targets[e];
                    if (depth[t] != Unreachable || (ignored?.Contains(t) ?? false)) continue;
                    depth[t] = d;
                    parentNode[t] = v;
                    parentEdge[t] = e;
                    queue[tail++] = t;
                }
            }
        }
        return new ShortestPaths(snapshot, parentNode, parentEdge, depth);
    }

    /// <summary>The path from the root to <paramref name="node"/> (root first), or empty when it is unreachable.</summary>
    public List<PathStep> PathTo(int node)
    {
        var path = new List<PathStep>();
        if (_depth[node] == Unreachable) return path;
        for (int v = node; v >= 0; v = _parentNode[v])
        {
            path.Add(new PathStep(v, _parentEdge[v]));
            if (v == _snapshot.RootOrdinal) break;
        }
        path.Reverse();
        return path;
    }

    /// <summary>
    /// Up to <paramref name="k"/> shortest paths to <paramref name="node"/>, each through a different direct retainer
    /// (as DevTools' Retainers view lists them, nearest first): the shortest path to the retainer plus the last edge.
    /// </summary>
    public List<List<PathStep>> PathsThroughRetainers(int node, int k, Analysis.Retainers retainers)
    {
        int weak = _snapshot.Meta.EdgeType("weak");
        var candidates = new List<(int Depth, int Retainer, int Edge)>();
        for (int i = retainers.First[node]; i < retainers.First[node + 1]; i++)
        {
            int r = retainers.Nodes[i];
            if (r == node || _depth[r] == Unreachable) continue;
            int e = retainers.EdgeOf(_snapshot, node, i);
            if (_snapshot.EdgeTypes[e] == weak) continue;
            candidates.Add((_depth[r], r, e));
        }
        candidates.Sort((a, b) => a.Depth != b.Depth ? a.Depth.CompareTo(b.Depth) : a.Edge.CompareTo(b.Edge));
        var result = new List<List<PathStep>>();
        var seen = new HashSet<int>();
        foreach (var (_, r, e) in candidates)
        {
            if (result.Count >= k) break;
            if (!seen.Add(r)) continue;
            var path = PathTo(r);
            if (path.Exists(step => step.Node == node)) continue; // not a simple path
            path.Add(new PathStep(node, e));
            result.Add(path);
        }
        return result;
    }
}
