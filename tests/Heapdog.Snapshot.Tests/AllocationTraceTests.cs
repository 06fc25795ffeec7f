using System.Text;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

public sealed class AllocationTraceTests
{
    /// <summary>
    /// (root) id 1 → main id 2 → handle id 3 (allocates obj); (root) → handle id 4. Functions: 0 (root), 1 handle
    /// (app.js:5:16, script 7), 2 main (app.js:1:1). <paramref name="functions"/>, <paramref name="tree"/> and
    /// <paramref name="objTrace"/> replace the valid parts for the malformed cases.
    /// </summary>
    private static string Build(string? functions = null, string? tree = null, int objTrace = 3)
    {
        var b = new SnapshotBuilder();
        int gcRoots = b.AddNode("synthetic", "(GC roots)", 0);
        int obj = b.AddNode("object", "Order", 32);
        b.AddEdge(0, "element", "1", gcRoots).AddEdge(gcRoots, "element", "1", obj);
        int root = b.String("(root)"), handle = b.String("handle"), main = b.String("main"), app = b.String("app.js"), none = b.String("");
        b.TraceNodeOf[obj] = objTrace;
        b.TraceFunctionInfos = functions ?? $"0,{root},{none},0,0,0, 11,{handle},{app},7,5,16, 12,{main},{app},7,1,1";
        b.TraceTree = tree ?? "1,0,0,0,[2,2,0,0,[3,1,1,32,[]],4,1,0,0,[]]";
        return b.Build();
    }

    private static string Stack(HeapSnapshot s, int traceNodeId)
    {
        var trace = s.AllocationTrace!;
        trace.TryFindNode(traceNodeId, out int n).ShouldBeTrue();
        var frames = new List<string>();
        for (; n >= 0 && !trace.IsRoot(n); n = trace.ParentOf(n))
        {
            int f = trace.FunctionOf(n);
            frames.Add($"{trace.FunctionName(f)}@{trace.ScriptName(f)}:{trace.Line(f)}:{trace.Column(f)}#{trace.ScriptId(f)}");
        }
        return string.Join(" < ", frames);
    }

    [Fact]
    public void Read_TraceTables_GiveEachNodesStackTopFrameFirst()
    {
        var s = SnapshotBuilder.Read(Build());
        s.AllocationTrace.ShouldNotBeNull();
        s.AllocationTrace.NodeCount.ShouldBe(4);
        s.AllocationTrace.FunctionCount.ShouldBe(3);
        s.TraceNodeIds![2].ShouldBe(3);
        Stack(s, 3).ShouldBe("handle@app.js:5:16#7 < main@app.js:1:1#7");
        Stack(s, 4).ShouldBe("handle@app.js:5:16#7");
        s.AllocationTrace.TryFindNode(99, out _).ShouldBeFalse();
    }

    [Fact]
    public void Read_SplitAtEveryByte_GivesIdenticalTrace()
    {
        byte[] data = Encoding.UTF8.GetBytes(Build());
        for (int split = 1; split < data.Length; split += 3)
        {
            var s = HeapSnapshotReader.Read(new ChunkedStream(data, int.MaxValue, split), bufferSize: 256);
            Stack(s, 3).ShouldBe("handle@app.js:5:16#7 < main@app.js:1:1#7", $"split at {split}");
        }
        Stack(HeapSnapshotReader.Read(new ChunkedStream(data, 1), bufferSize: 256), 3).ShouldBe("handle@app.js:5:16#7 < main@app.js:1:1#7");
    }

    [Fact]
    public void Read_WithoutTracking_HasNoTrace()
    {
        SnapshotBuilder.Read(new SnapshotBuilder().Build()).AllocationTrace.ShouldBeNull();
        // Fields declared but an empty tree: tracking was off when the snapshot was taken.
        SnapshotBuilder.Read(Build(tree: "")).AllocationTrace.ShouldBeNull();
    }

    public static TheoryData<string, string?, string?, int, string> Malformed => new()
    {
        { "function index out of range", null, "1,0,0,0,[2,9,0,0,[]]", 2, "names function 9" },
        { "name string out of range", "0,999,0,0,0,0", "1,0,0,0,[]", 1, "names string 999" },
        { "script string out of range", "0,0,999,0,0,0", "1,0,0,0,[]", 1, "names string 999" },
        { "functions not whole records", "0,0,0,0,0", "1,0,0,0,[]", 1, "not a multiple of 6 fields" },
        { "duplicate trace node id", null, "1,0,0,0,[1,1,0,0,[]]", 1, "occurs twice" },
        { "heap node names a missing trace node", null, null, 42, "names trace node 42" },
        { "unclosed children", null, "1,0,0,0,[2,1,0,0,[]", 2, "expected a number in 'trace_tree' at trace node 2" },
        { "garbage after a node", null, "1,0,0,0,[] x", 1, "expected ',' or ']' in 'trace_tree'" },
        { "a string where a number belongs", null, "1,\"x\",0,0,[]", 1, "expected a number in 'trace_tree'" },
        { "number out of range", null, "1,0,0,99999999999,[]", 1, "out of range" },
        { "no children list", null, "1,0,0,0,2", 1, "to open the children of trace node 0" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Read_MalformedTrace_IsRefusedAsMalformed(string name, string? functions, string? tree, int objTrace, string expected)
    {
        var ex = Should.Throw<SnapshotFormatException>(() => SnapshotBuilder.Read(Build(functions, tree, objTrace)), name);
        ex.Message.ShouldContain(expected, Case.Sensitive, name);
        ex.IsUnsupported.ShouldBeFalse(name);
    }

    [Fact]
    public void Read_TreeDeeperThanTheLimit_IsRefused()
    {
        byte[] data = Encoding.UTF8.GetBytes(Build());
        var limits = new SnapshotLimits { MaxTraceDepth = 1 };
        var ex = Should.Throw<SnapshotFormatException>(() => HeapSnapshotReader.Read(new MemoryStream(data), limits: limits));
        ex.Message.ShouldContain("nests deeper than 1 levels");
    }
}
