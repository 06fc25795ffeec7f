namespace Heapdog.Cli.Tests;

/// <summary>A snapshot whose node or edge type index is outside its meta's type list is malformed: exit 4 with one line
/// naming the node or edge and the byte offset, not read as an object of type "unknown".</summary>
public sealed class UnknownTypeTests
{
    private const string Meta = """
        {"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],
         "node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic"],"string","number","number","number","number","number"],
         "edge_fields":["type","name_or_index","to_node"],
         "edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"]}
        """;

    [Theory]
    [InlineData("9,1,1,0,1,0,0, 99,2,3,16,0,0,0", "5,2,7", "node 1 has type 99, not one of the 10 in meta.node_types in 'nodes' at element 7")]
    [InlineData("9,1,1,0,1,0,0, 3,2,3,16,0,0,0", "42,2,7", "edge 0 has type 42, not one of the 7 in meta.edge_types in 'edges' at element 0")]
    public async Task Analyze_TypeOutsideMeta_Exit4WithOneLine(string nodes, string edges, string expected)
    {
        using var dir = new TempDirectory();
        string file = dir.File("bad.heapsnapshot");
        await File.WriteAllTextAsync(file,
            $$"""{"snapshot":{"meta":{{Meta}},"node_count":2,"edge_count":1},"nodes":[{{nodes}}],"edges":[{{edges}}],"strings":["","(root)","Thing"]}""");

        var run = await HeapdogCommand.RunAsync(dir.Path, "analyze", file);

        run.ExitCode.ShouldBe(4, run.Stderr);
        var lines = run.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("heapdog:", StringComparison.Ordinal)).ToList();
        lines.Count.ShouldBe(1, run.Stderr);
        lines[0].ShouldStartWith($"heapdog: '{file}': {expected} (at byte ");
    }
}
