namespace Heapdog.Snapshot.Analysis;

/// <summary>
/// Reverse adjacency, built once with a counting sort: the retainers of node <c>i</c> are slots
/// <c>First[i] .. First[i+1]</c>, each giving the retaining node and the edge. 8 bytes per edge + 4 per node.
/// Within a node's slots, retainers appear in edge order (as DevTools lists them).
/// </summary>
public sealed class Retainers
{
    public int[] First { get; }
    public int[] Nodes { get; }
    public int[] Edges { get; }

    private Retainers(int[] first, int[] nodes, int[] edges)
    {
        First = first;
        Nodes = nodes;
        Edges = edges;
    }

    public int CountOf(int ordinal) => First[ordinal + 1] - First[ordinal];

    internal static Retainers Build(HeapSnapshot snapshot)
    {
        int n = snapshot.NodeCount, m = snapshot.EdgeCount;
        var targets = snapshot.EdgeTargets;
        var firstEdge = snapshot.FirstEdge;
        var first = new int[n + 1];
        for (int e = 0; e < m; e++) first[targets[e] + 1]++;
        for (int i = 0; i < n; i++) first[i + 1] += first[i];
        var fill = new int[n];
        Array.Copy(first, fill, n);
        var nodes = new int[m];
        var edges = new int[m];
        for (int src = 0; src < n; src++)
        {
            for (int e = firstEdge[src], end = firstEdge[src + 1]; e < end; e++)
            {
                int slot = fill[targets[e]]++;
                nodes[slot] = src;
                edges[slot] = e;
            }
        }
        return new Retainers(first, nodes, edges);
    }
}
