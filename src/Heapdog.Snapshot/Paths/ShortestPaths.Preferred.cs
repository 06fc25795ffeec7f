namespace Heapdog.Snapshot.Paths;

// Retainer paths a developer recognises: the cheapest path from the root, where edges a developer reads in code are cheap
// and V8's and Node's plumbing is dear (docs/leaks.md, "Which retainer path").
public sealed partial class ShortestPaths
{
    /// <summary>Cost of an edge a developer writes in code: a property, an element, a context variable.</summary>
    public const int PlainEdgeCost = 1;

    /// <summary>The costs, per edge type and per node type; an edge costs <see cref="PlainEdgeCost"/> plus both penalties.</summary>
    private static int[] EdgeTypePenalties(SnapshotMeta meta)
    {
        var penalty = new int[meta.EdgeTypes.Length];
        for (int t = 0; t < penalty.Length; t++)
            penalty[t] = meta.EdgeTypes[t] switch
            {
                "property" or "element" or "context" => 0,
                // A closure's context and a collection's table are internal edges too: a small penalty, paid by every
                // path through them alike, so it only tips the balance against internal detours.
                "internal" or "shortcut" => 1,
                _ => 2, // hidden: links no code can follow
            };
        return penalty;
    }

    private static int[] NodeTypePenalties(SnapshotMeta meta)
    {
        var penalty = new int[meta.NodeTypes.Length];
        for (int t = 0; t < penalty.Length; t++)
            penalty[t] = meta.NodeTypes[t] switch
            {
                // GC root categories ((Stack roots), (Handle scope), …), compiled code, feedback and maps: what holds an
                // object there is the engine, not the program, so a path through them is taken only when no other exists.
                "synthetic" or "code" or "object shape" => 8,
                "hidden" => 2,
                _ => 0,
            };
        return penalty;
    }

    /// <summary>Penalty of an edge named <c>_events</c>: see <see cref="ListenerRegistryNames"/>.</summary>
    private const int ListenerRegistryPenalty = 4;

    /// <summary>
    /// The string indexes of <c>_events</c>: an emitter's listener registry. An object a listener's closure happens to
    /// capture (a module's variables, through <c>process._events.SIGTERM</c>) is not held <em>by</em> the listener as a
    /// developer thinks of it, so another way in (the module's other functions) is preferred when one is about as short.
    /// </summary>
    private static int[] ListenerRegistryNames(HeapSnapshot snapshot)
    {
        var found = new List<int>();
        for (int i = 0; i < snapshot.Strings.Count; i++)
            if (snapshot.Strings.EqualsAscii(i, "_events"u8)) found.Add(i);
        return [.. found];
    }

    /// <summary>
    /// Retainer paths ranked the way memlab ranks them: each edge costs <see cref="PlainEdgeCost"/> plus a penalty for
    /// an internal or hidden edge and for entering (or leaving) a GC root category, code, feedback or a map, and every
    /// node gets the cheapest path from the root (Dial's bucket queue: linear in nodes and edges, 17 bytes per node
    /// beside the result). Among paths of equal penalty the shortest wins; among equal costs, the one found first.
    /// Weak edges never count. <see cref="Depth"/> is still the number of edges on the chosen path.
    /// Use <see cref="Compute"/> for DevTools' own distances.
    /// </summary>
    public static ShortestPaths ComputePreferred(HeapSnapshot snapshot, CancellationToken cancellation = default)
    {
        int n = snapshot.NodeCount;
        var (parentNode, parentEdge, depth) = Unreached(n);
        var edgePenalty = EdgeTypePenalties(snapshot.Meta);
        var nodePenalty = NodeTypePenalties(snapshot.Meta);
        var registryNames = ListenerRegistryNames(snapshot);
        var edgeNames = snapshot.EdgeNames;
        int property = snapshot.Meta.EdgeType("property");
        int maxCost = PlainEdgeCost + edgePenalty.Max() + 2 * nodePenalty.Max() + ListenerRegistryPenalty;
        int weak = snapshot.Meta.EdgeType("weak");
        int synthetic = snapshot.Meta.NodeType("synthetic");
        var firstEdge = snapshot.FirstEdge;
        var targets = snapshot.EdgeTargets;
        var edgeTypes = snapshot.EdgeTypes;
        var nodeTypes = snapshot.NodeTypes;

        // Costs are at most maxCost apart among queued nodes, so a ring of maxCost + 1 buckets suffices. Each bucket is
        // a doubly linked list over the nodes (next/prev), so lowering a node's cost moves it rather than copying it.
        var cost = new long[n];
        Array.Fill(cost, long.MaxValue);
        var next = new int[n];
        var prev = new int[n];
        int ring = maxCost + 1;
        var head = new int[ring];
        var tail = new int[ring];
        Array.Fill(head, -1);
        Array.Fill(tail, -1);
        var done = new bool[n];
        int queued = 0;

        void Enqueue(int v, long c)
        {
            int b = (int)(c % ring);
            next[v] = -1;
            prev[v] = tail[b];
            if (tail[b] >= 0) next[tail[b]] = v; else head[b] = v;
            tail[b] = v;
            queued++;
        }

        void Unlink(int v)
        {
            int b = (int)(cost[v] % ring);
            if (prev[v] >= 0) next[prev[v]] = next[v]; else head[b] = next[v];
            if (next[v] >= 0) prev[next[v]] = prev[v]; else tail[b] = prev[v];
            queued--;
        }

        int root = snapshot.RootOrdinal;
        cost[root] = 0;
        depth[root] = 0;
        Enqueue(root, 0);
        long current = 0;
        int popped = 0;
        while (queued > 0)
        {
            int b = (int)(current % ring);
            if (head[b] < 0) { current++; continue; }
            int v = head[b];
            Unlink(v);
            done[v] = true;
            if ((++popped & 0xFFFF) == 0) cancellation.ThrowIfCancellationRequested();
            // Leaving a code object or a map costs as much as entering one: objects they hold (deoptimization
            // literals, constant pools) are the engine's references, not the program's. Leaving a root category
            // does not: that was paid on the way in.
            int leave = nodeTypes[v] == synthetic ? 0 : nodePenalty[nodeTypes[v]];
            for (int e = firstEdge[v], end = firstEdge[v + 1]; e < end; e++)
            {
                if (edgeTypes[e] == weak) continue;
                int t = targets[e];
                if (done[t]) continue;
                long c = current + PlainEdgeCost + edgePenalty[edgeTypes[e]] + nodePenalty[nodeTypes[t]] + leave;
                if (edgeTypes[e] == property && Array.IndexOf(registryNames, edgeNames[e]) >= 0) c += ListenerRegistryPenalty;
                if (c >= cost[t]) continue;
                if (cost[t] != long.MaxValue) Unlink(t);
                cost[t] = c;
                depth[t] = depth[v] + 1;
                parentNode[t] = v;
                parentEdge[t] = e;
                Enqueue(t, c);
            }
        }
        return new ShortestPaths(snapshot, parentNode, parentEdge, depth);
    }
}
