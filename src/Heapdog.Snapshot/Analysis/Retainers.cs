namespace Heapdog.Snapshot.Analysis;

/// <summary>
/// Reverse adjacency, built once with a counting sort: the retainers of node <c>i</c> are slots
/// <c>First[i] .. First[i+1]</c>, each naming the retaining node, in the retainer's edge order (as DevTools lists
/// them). 4 bytes per edge + 4 per node, plus 1 bit per edge saying whether the edge counts for dominators.
/// The retaining edge itself is not stored (it would cost another 4 bytes per edge): <see cref="EdgeOf"/> finds it.
/// </summary>
public sealed class Retainers
{
    public int[] First { get; }
    public int[] Nodes { get; }
    internal BitSet Essential { get; }

    private Retainers(int[] first, int[] nodes, BitSet essential)
    {
        First = first;
        Nodes = nodes;
        Essential = essential;
    }

    public int CountOf(int ordinal) => First[ordinal + 1] - First[ordinal];

    /// <summary>The edge behind retainer slot <paramref name="slot"/> of <paramref name="target"/>.</summary>
    public int EdgeOf(HeapSnapshot snapshot, int target, int slot)
    {
        int source = Nodes[slot];
        // Slots of one source are adjacent and in edge order: count the earlier ones to pick the matching edge.
        int occurrence = 0;
        for (int r = slot - 1; r >= First[target] && Nodes[r] == source; r--) occurrence++;
        var targets = snapshot.EdgeTargets;
        for (int e = snapshot.FirstEdge[source], end = snapshot.FirstEdge[source + 1]; e < end; e++)
            if (targets[e] == target && occurrence-- == 0) return e;
        throw new InvalidOperationException($"retainer slot {slot} of node {target} has no matching edge");
    }

    /// <summary>Retainers saved earlier (Caching/AnalysisIndex), as they were built.</summary>
    internal static Retainers Restore(int[] first, int[] nodes, BitSet essential) => new(first, nodes, essential);

    internal static Retainers Build(HeapSnapshot snapshot, BitSet essentialEdges)
    {
        var (firstEdge, targets) = (snapshot.FirstEdge, snapshot.EdgeTargets);
        int n = firstEdge.Length - 1, m = targets.Length;
        var first = new int[n + 1];
        for (int e = 0; e < m; e++) first[targets[e] + 1]++;
        for (int i = 0; i < n; i++) first[i + 1] += first[i];
        var fill = new int[n];
        Array.Copy(first, fill, n);
        var nodes = new int[m];
        var essential = new BitSet(m);
        for (int src = 0; src < n; src++)
        {
            for (int e = firstEdge[src], end = firstEdge[src + 1]; e < end; e++)
            {
                int slot = fill[targets[e]]++;
                nodes[slot] = src;
                if (essentialEdges.Get(e)) essential.Set(slot);
            }
        }
        return new Retainers(first, nodes, essential);
    }
}
