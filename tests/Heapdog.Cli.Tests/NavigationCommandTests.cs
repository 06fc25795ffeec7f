using System.Text.Json;
using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog inspect</c>, <c>paths</c>, <c>dominators</c> and <c>strings</c> on the leak programs' snapshots.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class NavigationCommandTests(SnapshotFixtures fixtures)
{
    private string[] Snapshots(string program) => fixtures.Written(LeakFixtures.Program(program));

    private static JsonElement RunJson(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliHost.RunAsync(args, output, error).GetAwaiter().GetResult();
        exit.ShouldBe(0, error.ToString());
        return JsonDocument.Parse(output.ToString()).RootElement.Clone();
    }

    /// <summary>The last snapshot of the listener leak, and the array of listeners that <c>heapdog leaks</c> blames.</summary>
    private (string File, uint ListenerArray) Listeners()
    {
        var snapshots = Snapshots("listeners");
        var top = RunJson(["leaks", .. snapshots, "--json"]).GetProperty("suspects")[0];
        return (snapshots[2], top.GetProperty("accumulationPoint").GetProperty("id").GetUInt32());
    }

    [Fact]
    public void Inspect_ListenerArray_ListsItsListenersRetainersAndDominatorsUpToTheRoot()
    {
        var (file, id) = Listeners();
        var json = RunJson("inspect", file, $"@{id}", "--limit", "0", "--json");
        json.GetProperty("object").GetProperty("className").GetString().ShouldBe("Array");
        var edges = json.GetProperty("edges").EnumerateArray().Where(e => e.GetProperty("edgeType").GetString() == "element").ToList();
        edges.Count.ShouldBe(4200);
        edges.ShouldAllBe(e => e.GetProperty("to").GetProperty("name").GetString() == "onQueueError");
        json.GetProperty("retainers").EnumerateArray().ShouldContain(r => r.GetProperty("edge").GetString() == "error");
        var dominators = json.GetProperty("dominators").EnumerateArray().ToList();
        dominators[^1].GetProperty("id").GetUInt32().ShouldBe(1u);
    }

    [Theory]
    [InlineData("inspect")]
    [InlineData("paths")]
    public async Task Navigation_UnknownObjectId_ExitsWithNoSuchObject(string command)
    {
        var (file, _) = Listeners();
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await CliHost.RunAsync([command, file, "@4294967295"], output, error);
        exit.ShouldBe(ExitCodes.NoSuchObject);
        exit.ShouldBe(11);
        // Progress lines come first (stderr is not a terminal here); the error is the one "heapdog:" line, last.
        error.ToString().ShouldEndWith($"heapdog: '{file}' has no object @4294967295{Environment.NewLine}");
        error.ToString().Split('\n').Count(l => l.StartsWith("heapdog:", StringComparison.Ordinal)).ShouldBe(1);
        output.ToString().ShouldBeEmpty();
    }

    [Fact]
    public void Paths_IgnoringTheOnlyHolder_LeavesNoPath()
    {
        var (file, id) = Listeners();
        var paths = RunJson("paths", file, $"@{id}", "-k", "5", "--json").GetProperty("paths").EnumerateArray().ToList();
        paths.ShouldNotBeEmpty();
        foreach (var p in paths)
        {
            var links = p.GetProperty("links").EnumerateArray().ToList();
            links[0].GetProperty("object").GetProperty("id").GetUInt32().ShouldBe(1u);
            links[^1].GetProperty("object").GetProperty("id").GetUInt32().ShouldBe(id);
            p.GetProperty("length").GetInt32().ShouldBe(links.Count - 1);
        }
        // The '_events' object holds the array (directly and through its property store): cut it, and nothing is left.
        uint holder = paths[0].GetProperty("links").EnumerateArray().ToList()[^2].GetProperty("object").GetProperty("id").GetUInt32();
        var cut = RunJson("paths", file, $"@{id}", "--ignore", $"@{holder}", "--json").GetProperty("paths").EnumerateArray().ToList();
        cut.ShouldAllBe(p => p.GetProperty("links").EnumerateArray().All(l => l.GetProperty("object").GetProperty("id").GetUInt32() != holder));
    }

    [Fact]
    public void Dominators_Json_ChildrenAreSortedByRetainedSizeUnderTheRoot()
    {
        var json = RunJson("dominators", Snapshots("map-cache")[2], "--depth", "2", "--width", "4", "--json");
        var root = json.GetProperty("root");
        root.GetProperty("object").GetProperty("retainedSize").GetInt64().ShouldBe(json.GetProperty("totalSize").GetInt64());
        var sizes = root.GetProperty("children").EnumerateArray().Select(c => c.GetProperty("object").GetProperty("retainedSize").GetInt64()).ToList();
        sizes.Count.ShouldBe(4);
        sizes.ShouldBe(sizes.OrderByDescending(x => x).ToList());
    }

    [Fact]
    public void Strings_CopiesOfOneText_AreCountedWithTheirWaste()
    {
        var json = RunJson("strings", Snapshots("churn-control")[2], "--top", "0", "--json");
        var label = json.GetProperty("strings").EnumerateArray().Single(s => s.GetProperty("text").GetString() == "duplicated-status-label-0");
        label.GetProperty("count").GetInt64().ShouldBe(200);
        long bytes = label.GetProperty("bytes").GetInt64();
        label.GetProperty("wastedBytes").GetInt64().ShouldBe(bytes - bytes / 200);
    }
}
