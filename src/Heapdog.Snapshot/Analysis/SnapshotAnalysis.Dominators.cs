namespace Heapdog.Snapshot.Analysis;

// Dominators by the semi-NCA algorithm (Georgiadis & Tarjan): Lengauer–Tarjan's semidominators with path
// compression, then immediate dominators as nearest common ancestors. Near-linear, iterative throughout.
// Over DevTools' graph: only "essential" edges; nodes with no essential retainer hang under the root;
// whatever stays unreachable (cliques retaining one another) is dominated by the root.
public sealed partial class SnapshotAnalysis
{
    /// <summary>DevTools' HeapSnapshot.computeIsEssentialEdge, for every edge.</summary>
    private void ComputeEssentialEdges()
    {
        var s = Snapshot;
        var essential = new BitSet(s.EdgeCount);
        var targets = s.EdgeTargets;
        var types = s.EdgeTypes;
        var names = s.EdgeNames;
        var firstEdge = s.FirstEdge;
        var ids = s.NodeIds;
        var owned = _pageOwned;
        int root = RootOrdinal;
        int weak = _types.EdgeWeak, shortcut = _types.EdgeShortcut, internalType = _types.EdgeInternal;
        for (int v = 0; v < s.NodeCount; v++)
        {
            bool fromRoot = v == root;
            bool sourceOwned = owned[v] != 0;
            for (int e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++)
            {
                int type = types[e];
                // A WeakMap value is held by key and table together: keep the key's edge, drop the table's.
                if (type == internalType && _weakMaps.TryParse(names[e], out uint tableId, out _) && ids[v] == tableId) continue;
                if (type == weak) continue;
                int child = targets[e];
                if (child == v) continue;
                if (!fromRoot)
                {
                    // Shortcuts mark global objects only when they leave the root.
                    if (type == shortcut) continue;
                    if (owned[child] != 0 && !sourceOwned) continue;
                }
                essential.Set(e);
            }
        }
        _essential = essential;
    }

    private void ComputeDominatorsAndRetainedSizes(CancellationToken cancellation)
    {
        var s = Snapshot;
        int n = s.NodeCount;
        var targets = s.EdgeTargets;
        var firstEdge = s.FirstEdge;
        var essential = _essential;
        var retainerFirst = Retainers.First;
        var retainerNodes = Retainers.Nodes;
        var essentialRetainer = Retainers.Essential;

        // DFS numbers start at 1; 0 means "not visited". Arrays indexed by DFS number unless named *ByNode.
        var numberByNode = new int[n + 1]; // + 1: it becomes the semidominators' array below
        var vertex = new int[n + 1];      // DFS number -> node
        var parent = new int[n + 1];      // DFS number -> parent's DFS number
        // The semidominator pass's links, borrowed by the DFS first (the same 8 bytes per node, one allocation for
        // both, so nothing freed in between has to be found room for again): per node, the next edge to look at
        // (in Ancestor); per depth, the DFS stack (in MinSemi).
        var links = new Link[n + 1];
        int count = 0;

        void Dfs(int start, int parentNumber)
        {
            // Walks with an explicit stack of nodes; the next edge remembers where each node's scan stopped.
            int top = 0;
            numberByNode[start] = ++count;
            vertex[count] = start;
            parent[count] = parentNumber;
            links[start].Ancestor = firstEdge[start];
            links[top++].MinSemi = start;
            while (top > 0)
            {
                int v = links[top - 1].MinSemi;
                int e = links[v].Ancestor, end = firstEdge[v + 1];
                int pushed = -1;
                for (; e < end; e++)
                {
                    if (!essential.Get(e)) continue;
                    int w = targets[e];
                    if (numberByNode[w] != 0) continue;
                    numberByNode[w] = ++count;
                    vertex[count] = w;
                    parent[count] = numberByNode[v];
                    links[w].Ancestor = firstEdge[w];
                    pushed = w;
                    e++;
                    break;
                }
                links[v].Ancestor = e;
                if (pushed >= 0) links[top++].MinSemi = pushed;
                else top--;
            }
        }

        int root = RootOrdinal;
        Dfs(root, 0);
        if (count < n)
        {
            // Objects held only through weak (non-essential) edges: hang them under the root, as DevTools does.
            for (int v = 0; v < n; v++)
            {
                if (numberByNode[v] != 0 || HasEssentialRetainer(v)) continue;
                Dfs(v, 1);
            }
        }
        if (count < n)
        {
            // Still unreachable: cliques holding each other. Each is numbered directly under the root.
            for (int v = 0; v < n; v++)
            {
                if (numberByNode[v] != 0) continue;
                numberByNode[v] = ++count;
                vertex[count] = v;
                parent[count] = 1;
            }
        }
        Array.Clear(links);
        // The semidominator pass wants retainers by DFS number: renumber them in place, so numberByNode's memory can
        // hold the semidominators (4 bytes per node less at the analysis' peak). Restored below; a cancellation in
        // between leaves them renumbered, but then the analysis is never handed out.
        for (long r = 0; r < retainerNodes.Length; r++) retainerNodes[r] = numberByNode[retainerNodes[r]];
        cancellation.ThrowIfCancellationRequested();

        // Semidominators, in decreasing DFS order. A retainer numbered below the node is not linked yet: it is its own
        // candidate, with no memory read. One numbered above is linked: its candidate is the least semidominator on
        // its compressed path, kept beside its ancestor (one cache line per step instead of three arrays).
        var semi = numberByNode;
        numberByNode = null!;
        Array.Clear(semi);
        semi[1] = 1;
        links[1].MinSemi = 1;
        var compressStack = new int[64];
        for (int i = n; i >= 2; i--)
        {
            int w = vertex[i];
            int best = i;
            bool orphan = true;
            for (int r = retainerFirst[w], end = retainerFirst[w + 1]; r < end; r++)
            {
                if (!essentialRetainer.Get(r)) continue;
                orphan = false;
                int v = retainerNodes[r];
                if (v <= i)
                {
                    if (v < best) best = v;
                    continue;
                }
                if (links[links[v].Ancestor].Ancestor != 0) Compress(v, links, ref compressStack);
                int candidate = links[v].MinSemi;
                if (candidate < best) best = candidate;
            }
            if (orphan) best = 1;
            semi[i] = best;
            links[i].MinSemi = best;
            links[i].Ancestor = parent[i];
            if ((i & 0xFFFFF) == 0) cancellation.ThrowIfCancellationRequested();
        }
        links = null!;

        // Immediate dominators: the nearest ancestor of the DFS parent whose number is at most the semidominator.
        // Computed in increasing order into parent itself: parent[i] is read only at step i, idom[d] only for d < i.
        var idom = parent;
        for (int i = 2; i <= n; i++)
        {
            int d = parent[i];
            while (d > semi[i]) d = idom[d];
            idom[i] = d;
        }
        idom[1] = 1;

        for (long r = 0; r < retainerNodes.Length; r++) retainerNodes[r] = vertex[retainerNodes[r]];

        // Free what is no longer needed before allocating the results, to keep the peak low.
        semi = null!;
        ReleaseTransientMemory();
        var dominators = new int[n];
        for (int i = 1; i <= n; i++) dominators[vertex[i]] = vertex[idom[i]];
        idom = null!;
        parent = null!;
        ReleaseTransientMemory();
        var retained = new long[n];
        var sizes = s.SelfSizes;
        for (int v = 0; v < n; v++) retained[v] = sizes[v];
        // Children come after their dominator in DFS order, so one reverse pass accumulates whole subtrees.
        for (int i = n; i >= 2; i--)
        {
            int v = vertex[i];
            retained[dominators[v]] += retained[v];
        }
        Dominators = dominators;
        RetainedSizes = retained;
    }

    /// <summary>Per DFS number: its ancestor in the linked forest (0 while unlinked) and the least semidominator on the path to it.</summary>
    private struct Link
    {
        public int Ancestor;
        public int MinSemi;
    }

    private static void Compress(int v, Link[] links, ref int[] stack)
    {
        int top = 0;
        while (links[links[v].Ancestor].Ancestor != 0)
        {
            if (top == stack.Length) Array.Resize(ref stack, stack.Length * 2);
            stack[top++] = v;
            v = links[v].Ancestor;
        }
        while (top > 0)
        {
            int w = stack[--top];
            int a = links[w].Ancestor;
            if (links[a].MinSemi < links[w].MinSemi) links[w].MinSemi = links[a].MinSemi;
            links[w].Ancestor = links[a].Ancestor;
        }
    }

    private bool HasEssentialRetainer(int v)
    {
        var first = Retainers.First;
        var essential = Retainers.Essential;
        for (int r = first[v], end = first[v + 1]; r < end; r++)
            if (essential.Get(r)) return true;
        return false;
    }

    /// <summary>
    /// Dominator tree children lists by a counting sort over <see cref="Dominators"/>, without a cursor array: each
    /// child goes just below its dominator's end, walking nodes downwards, so the ends become the starts (children
    /// in increasing order) and one shift turns them into <see cref="FirstDominated"/>.
    /// </summary>
    private void BuildDominatorTree()
    {
        int n = Snapshot.NodeCount, root = RootOrdinal;
        var dominators = Dominators;
        var first = new int[n + 1];
        for (int v = 0; v < n; v++) if (v != root) first[dominators[v] + 1]++;
        for (int i = 0; i < n; i++) first[i + 1] += first[i];
        var children = new int[Math.Max(0, n - 1)];
        for (int v = n - 1; v >= 0; v--) if (v != root) children[--first[dominators[v] + 1]] = v;
        // first[d + 1] is now the start of d's children: shift down by one, the end of the last is all of them.
        for (int i = 0; i < n; i++) first[i] = first[i + 1];
        first[n] = children.Length;
        FirstDominated = first;
        DominatedNodes = children;
    }
}
