using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

/// <summary>
/// The analysis' modes (one thread; two threads with distances and class names beside the dominators) and the
/// two-thread retainer fill give the same arrays, and the dominators match a naive definition on random graphs.
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed class AnalysisConcurrencyTests(SnapshotFixtures fixtures)
{
    [Theory]
    [InlineData("features.js")]
    [InlineData("small.js")]
    public void Analyze_RealSnapshotSequentialAndParallel_SameResults(string program)
    {
        string path = fixtures.Get(program);
        var sequential = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(path), AnalysisConcurrency.Sequential);
        var parallel = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(path), AnalysisConcurrency.Parallel);

        ShouldBeSame(sequential, parallel);
    }

    [Theory]
    [InlineData(11, 3_000)]
    [InlineData(12, 20_000)]
    [InlineData(13, 50_000)]
    public void Analyze_RandomGraphSequentialAndParallel_SameResults(int seed, int nodeCount)
    {
        string json = RandomGraph(seed, nodeCount, everyEdgeType: true);
        var sequential = SnapshotAnalysis.Analyze(SnapshotBuilder.Read(json), AnalysisConcurrency.Sequential);
        var parallel = SnapshotAnalysis.Analyze(SnapshotBuilder.Read(json), AnalysisConcurrency.Parallel);

        ShouldBeSame(sequential, parallel);
    }

    [Fact]
    public void Build_ParallelFill_SameArraysAsOneThread()
    {
        // One target holds a third of the slots: the threads split the targets where half the slots are, next to
        // it, and share the bit word at the seam.
        var rng = new Random(7);
        var b = new SnapshotBuilder();
        int hub = b.AddNode("object", "Hub", 1);
        var nodes = Enumerable.Range(0, 5_000).Select(i => b.AddNode("object", "C" + (i % 7), 1)).ToList();
        b.AddEdge(0, "shortcut", "global", hub);
        foreach (int v in nodes)
        {
            b.AddEdge(hub, "property", "p", v);
            for (int k = rng.Next(4); k > 0; k--) b.AddEdge(v, rng.Next(3) == 0 ? "weak" : "property", "q", rng.Next(2) == 0 ? hub : nodes[rng.Next(nodes.Count)]);
        }
        var snapshot = SnapshotBuilder.Read(b.Build());
        var essential = new BitSet(snapshot.EdgeCount);
        for (int e = 0; e < snapshot.EdgeCount; e++) if (rng.Next(3) > 0) essential.Set(e);

        var one = Retainers.Build(snapshot, Retainers.CountRetainers(snapshot), essential, parallel: false);
        var two = Retainers.Build(snapshot, Retainers.CountRetainers(snapshot), essential, parallel: true);

        two.First.ShouldBe(one.First);
        two.Nodes.ShouldBe(one.Nodes);
        two.Essential.Words.ShouldBe(one.Essential.Words);
    }

    [Theory]
    [InlineData(21, 60)]
    [InlineData(22, 200)]
    [InlineData(23, 500)]
    [InlineData(24, 1_000)]
    public void Analyze_RandomReachableGraph_DominatorsMatchNaiveDefinition(int seed, int nodeCount)
    {
        // Property edges only and every node reachable from the root: DevTools' dominators are then the textbook ones,
        // checked here by definition (d dominates v when v is unreachable without d).
        string json = RandomGraph(seed, nodeCount, everyEdgeType: false);
        foreach (var mode in new[] { AnalysisConcurrency.Sequential, AnalysisConcurrency.Parallel })
        {
            var analysis = SnapshotAnalysis.Analyze(SnapshotBuilder.Read(json), mode);
            var expected = NaiveImmediateDominators(analysis.Snapshot);
            for (int v = 0; v < expected.Length; v++)
                analysis.Dominators[v].ShouldBe(expected[v], $"dominator of ordinal {v} ({mode})");
        }
    }

    /// <summary>
    /// A random graph under the root: a random spanning tree (so all is reachable) plus twice as many random edges.
    /// With <paramref name="everyEdgeType"/>, the extra edges take every type (weak, shortcut, internal) and some
    /// nodes hang outside the tree (held weakly, or in cliques nothing reaches).
    /// </summary>
    private static string RandomGraph(int seed, int nodeCount, bool everyEdgeType)
    {
        var rng = new Random(seed);
        string[] types = ["object", "closure", "array", "hidden", "string", "native", "code"];
        string[] edgeTypes = everyEdgeType ? ["property", "element", "internal", "hidden", "context", "weak", "shortcut"] : ["property"];
        var b = new SnapshotBuilder();
        var nodes = new List<int>();
        for (int i = 0; i < nodeCount; i++)
            nodes.Add(b.AddNode(types[rng.Next(types.Length)], rng.Next(4) == 0 ? "Object" : "C" + rng.Next(9), (uint)rng.Next(0, 200)));
        b.AddEdge(0, "property", "first", nodes[0]);
        if (everyEdgeType) b.AddEdge(0, "shortcut", "global", nodes[1]);
        int inTree = everyEdgeType ? nodeCount * 9 / 10 : nodeCount;
        for (int i = 1; i < inTree; i++) b.AddEdge(nodes[rng.Next(i)], "property", "t" + rng.Next(5), nodes[i]);
        for (int i = 0; i < nodeCount * 2; i++)
        {
            string type = edgeTypes[rng.Next(edgeTypes.Length)];
            b.AddEdge(nodes[rng.Next(nodeCount)], type, type is "element" or "hidden" ? rng.Next(10).ToString() : "p" + rng.Next(8), nodes[rng.Next(nodeCount)]);
        }
        return b.Build();
    }

    /// <summary>Immediate dominators by definition, O(n·(n+m)): for each node, what becomes unreachable without it.</summary>
    private static int[] NaiveImmediateDominators(HeapSnapshot s)
    {
        int n = s.NodeCount, root = s.RootOrdinal;
        var dominatedBy = new List<int>[n];
        for (int v = 0; v < n; v++) dominatedBy[v] = [];
        var reached = new bool[n];
        foreach (int d in Enumerable.Range(0, n).Where(d => d != root))
        {
            Array.Clear(reached);
            reached[d] = true; // removed
            var stack = new Stack<int>([root]);
            reached[root] = true;
            while (stack.Count > 0)
            {
                int v = stack.Pop();
                for (int e = s.FirstEdge[v]; e < s.FirstEdge[v + 1]; e++)
                {
                    int t = s.EdgeTargets[e];
                    if (reached[t] || t == v) continue;
                    reached[t] = true;
                    stack.Push(t);
                }
            }
            for (int v = 0; v < n; v++) if (!reached[v]) dominatedBy[v].Add(d);
        }
        // The immediate dominator is the strict dominator that every other strict dominator dominates: the one with
        // the most dominators of its own; the root when there is none.
        var idom = new int[n];
        for (int v = 0; v < n; v++)
            idom[v] = dominatedBy[v].Count == 0 ? root : dominatedBy[v].MaxBy(d => dominatedBy[d].Count);
        return idom;
    }

    private static void ShouldBeSame(SnapshotAnalysis expected, SnapshotAnalysis actual)
    {
        actual.Snapshot.SelfSizes.ShouldBe(expected.Snapshot.SelfSizes);
        actual.Retainers.First.ShouldBe(expected.Retainers.First);
        actual.Retainers.Nodes.ShouldBe(expected.Retainers.Nodes);
        actual.Retainers.Essential.Words.ShouldBe(expected.Retainers.Essential.Words);
        actual.Distances.ShouldBe(expected.Distances);
        actual.Dominators.ShouldBe(expected.Dominators);
        actual.RetainedSizes.ShouldBe(expected.RetainedSizes);
        actual.FirstDominated.ShouldBe(expected.FirstDominated);
        actual.DominatedNodes.ShouldBe(expected.DominatedNodes);
        actual.ClassOf.ShouldBe(expected.ClassOf);
        actual.Classes.Select(c => (c.Key, c.Count, c.ShallowSize, c.RetainedSize, c.Distance))
            .ShouldBe(expected.Classes.Select(c => (c.Key, c.Count, c.ShallowSize, c.RetainedSize, c.Distance)));
        actual.Statistics.ShouldBe(expected.Statistics);
    }
}
