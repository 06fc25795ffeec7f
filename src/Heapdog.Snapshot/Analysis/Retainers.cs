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

    /// <summary>
    /// Counts each node's retainers (the counting sort's first pass). Needs only the targets, so it can run before
    /// the essential edges are known.
    /// </summary>
    internal static int[] CountRetainers(HeapSnapshot snapshot)
    {
        var targets = snapshot.EdgeTargets;
        int n = snapshot.NodeCount;
        var first = new int[n + 1];
        for (int e = 0; e < targets.Length; e++) first[targets[e] + 1]++;
        for (int i = 0; i < n; i++) first[i + 1] += first[i];
        return first;
    }

    /// <summary>
    /// The counting sort's second pass over <paramref name="first"/> (from <see cref="CountRetainers"/>). With
    /// <paramref name="parallel"/>, two threads each walk every edge but fill only the slots of their half of the
    /// targets (halves of equal slot counts): the random writes, which dominate, are split, and each target's slots
    /// are still filled in edge order, so the arrays are the same either way.
    /// </summary>
    internal static Retainers Build(HeapSnapshot snapshot, int[] first, BitSet essentialEdges, bool parallel)
    {
        int n = snapshot.NodeCount, m = snapshot.EdgeCount;
        var nodes = new int[m];
        var essential = new BitSet(m);
        if (!parallel || n < 2)
        {
            Fill(snapshot, first, essentialEdges, nodes, essential, 0, n, -1);
            return new Retainers(first, nodes, essential);
        }
        // Split where half the slots are; the bit word holding the first slot of the upper half is shared.
        int middle = Array.BinarySearch(first, 0, n + 1, m / 2);
        if (middle < 0) middle = ~middle;
        middle = Math.Clamp(middle, 0, n);
        int sharedWord = first[middle] >> 6;
        var upper = Task.Run(() => Fill(snapshot, first, essentialEdges, nodes, essential, middle, n, sharedWord));
        try
        {
            Fill(snapshot, first, essentialEdges, nodes, essential, 0, middle, sharedWord);
        }
        finally
        {
            ((IAsyncResult)upper).AsyncWaitHandle.WaitOne();
        }
        upper.GetAwaiter().GetResult();
        return new Retainers(first, nodes, essential);
    }

    /// <summary>Fills the slots of targets <c>from .. to</c>, in source and edge order.</summary>
    private static void Fill(HeapSnapshot snapshot, int[] first, BitSet essentialEdges, int[] nodes, BitSet essential,
        int from, int to, int sharedWord)
    {
        var (firstEdge, targets) = (snapshot.FirstEdge, snapshot.EdgeTargets);
        int n = snapshot.NodeCount;
        var fill = new int[to - from];
        Array.Copy(first, from, fill, 0, to - from);
        uint width = (uint)(to - from);
        for (int src = 0; src < n; src++)
        {
            for (int e = firstEdge[src], end = firstEdge[src + 1]; e < end; e++)
            {
                uint target = (uint)(targets[e] - from);
                if (target >= width) continue;
                int slot = fill[target]++;
                nodes[slot] = src;
                if (!essentialEdges.Get(e)) continue;
                if (slot >> 6 == sharedWord) essential.SetAtomic(slot);
                else essential.Set(slot);
            }
        }
    }
}
