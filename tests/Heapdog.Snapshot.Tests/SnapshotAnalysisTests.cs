using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

[Collection(SnapshotCollection.Name)]
public sealed class SnapshotAnalysisTests(SnapshotFixtures fixtures)
{
    [Fact]
    public void Analyze_HandDrawnGraph_DominatorsRetainedSizesAndDistances()
    {
        //   root ─shortcut→ A(10) ─→ B(20) ─→ D(40) ─→ E(50)
        //                    └───→ C(30) ──┘
        //   root ─weak→ F(60)          (held only weakly: hung under the root)
        //   G(70) ⇄ H(80)              (a clique nothing reaches: each under the root)
        // Expected: idom(B)=idom(C)=idom(D)=A, idom(E)=D; retained A = 10+20+30+40+50 = 150, D = 90.
        var b = new SnapshotBuilder();
        int gc = b.AddNode("synthetic", "(GC roots)", 0);
        int a = b.AddNode("object", "A", 10), bb = b.AddNode("object", "B", 20), c = b.AddNode("object", "C", 30);
        int d = b.AddNode("object", "D", 40), e = b.AddNode("object", "E", 50), f = b.AddNode("object", "F", 60);
        int g = b.AddNode("object", "G", 70), h = b.AddNode("object", "H", 80);
        b.AddEdge(0, "element", "1", gc).AddEdge(0, "shortcut", "global", a).AddEdge(0, "weak", "w", f)
            .AddEdge(a, "property", "b", bb).AddEdge(a, "property", "c", c).AddEdge(bb, "property", "d", d)
            .AddEdge(c, "property", "d", d).AddEdge(d, "property", "e", e).AddEdge(g, "property", "h", h).AddEdge(h, "property", "g", g);
        var analysis = SnapshotAnalysis.Analyze(SnapshotBuilder.Read(b.Build()));

        analysis.Dominators[bb].ShouldBe(a);
        analysis.Dominators[c].ShouldBe(a);
        analysis.Dominators[d].ShouldBe(a);
        analysis.Dominators[e].ShouldBe(d);
        analysis.Dominators[f].ShouldBe(0);
        analysis.Dominators[g].ShouldBe(0);
        analysis.Dominators[h].ShouldBe(0);
        analysis.RetainedSizes[a].ShouldBe(150);
        analysis.RetainedSizes[d].ShouldBe(90);
        analysis.RetainedSizes[0].ShouldBe(10 + 20 + 30 + 40 + 50 + 60 + 70 + 80);
        analysis.Distances[a].ShouldBe(1);
        analysis.Distances[e].ShouldBe(4);
        analysis.Distances[f].ShouldBe(1); // DevTools seeds distances with every non-synthetic child of the root, weak or not
        analysis.Distances[g].ShouldBe(SnapshotAnalysis.NoDistance);
    }

    [Fact]
    public void Analyze_DeepChain_NoRecursionLimits()
    {
        // 200,000 links: iterative DFS/BFS only; retained sizes accumulate down the whole chain.
        var b = new SnapshotBuilder();
        int previous = b.AddNode("object", "Link", 16);
        b.AddEdge(0, "shortcut", "global", previous);
        for (int i = 1; i < 200_000; i++)
        {
            int next = b.AddNode("object", "Link", 16);
            b.AddEdge(previous, "property", "next", next);
            previous = next;
        }
        var analysis = SnapshotAnalysis.Analyze(SnapshotBuilder.Read(b.Build()));
        analysis.RetainedSizes[1].ShouldBe(200_000 * 16);
        analysis.Distances[previous].ShouldBe(200_000);
        analysis.Classes.Single(cl => cl.Name == "Link").RetainedSize.ShouldBe(200_000 * 16);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Analyze_RandomGraph_MatchesDevToolsOnEveryObject(int seed)
    {
        // Random graphs with every edge type (weak, shortcut, internal WeakMap pairs), weakly held objects and
        // unreachable cliques, written as snapshots and read by DevTools' worker.
        var rng = new Random(seed);
        string[] types = ["object", "closure", "array", "hidden", "string", "native", "code", "number"];
        string[] edgeTypes = ["property", "property", "element", "internal", "hidden", "context", "weak", "shortcut"];
        var b = new SnapshotBuilder();
        int gc = b.AddNode("synthetic", "(GC roots)", 0);
        b.AddEdge(0, "element", "1", gc);
        int n = rng.Next(50, 400);
        var nodes = new List<int>();
        for (int i = 0; i < n; i++)
            nodes.Add(b.AddNode(types[rng.Next(types.Length)], rng.Next(4) == 0 ? "Object" : "C" + rng.Next(6), (uint)rng.Next(0, 200)));
        b.AddEdge(0, "shortcut", "global", nodes[0]);
        b.AddEdge(gc, "element", "1", nodes[1]);
        for (int i = 0; i < n * 2; i++)
        {
            int from = nodes[rng.Next(n)], to = nodes[rng.Next(n)];
            string type = edgeTypes[rng.Next(edgeTypes.Length)];
            b.AddEdge(from, type, type is "element" or "hidden" ? rng.Next(10).ToString() : "p" + rng.Next(8), to);
        }
        // A WeakMap entry: table → value and key → value edges carrying V8's pair name.
        uint tableId = (uint)(nodes[2] * 2 + 1);
        string pair = $" / part of key (C1 @{nodes[3] * 2 + 1}) -> value (C2 @{nodes[4] * 2 + 1}) pair in WeakMap (table @{tableId})";
        b.AddEdge(nodes[2], "internal", "1" + pair, nodes[4]).AddEdge(nodes[3], "internal", "3" + pair, nodes[4]);

        string path = fixtures.TempPath($"random-{seed}.heapsnapshot");
        File.WriteAllText(path, b.Build());
        var reference = DevToolsNumbers.Load(path);
        var analysis = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(path));
        var s = analysis.Snapshot;
        foreach (var o in reference.Objects)
        {
            int v = o.Ordinal;
            analysis.RetainedSizes[v].ShouldBe(o.RetainedSize, $"retained size of ordinal {v}");
            analysis.Distances[v].ShouldBe(o.Distance, $"distance of ordinal {v}");
            s.NodeIds[analysis.Dominators[v]].ShouldBe(o.DominatorId, $"dominator of ordinal {v}");
            analysis.ShallowSize(v).ShouldBe((uint)o.ShallowSize, $"shallow size of ordinal {v}");
        }
        analysis.Statistics.Total.ShouldBe(reference.Statistics.Total);
    }
}
