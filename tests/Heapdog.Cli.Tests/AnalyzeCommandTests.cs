using System.Text.Json;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog analyze</c> run as a user would, on snapshots Node wrote, and on bad input.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class AnalyzeCommandTests(SnapshotFixtures fixtures)
{
    private static Task<HeapdogRun> Heapdog(params string[] args) => HeapdogCommand.RunAsync(Path.GetTempPath(), args);

    [Fact]
    public async Task Analyze_RealSnapshot_PrintsHeaderStatisticsSummaryAndLargestObjects()
    {
        string path = fixtures.Get("features.js");
        var run = await Heapdog("analyze", path, "--top", "5", "--verbose");
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain($"Heap snapshot {path}");
        run.Stdout.ShouldContain("Statistics");
        foreach (var row in new[] { "Total", "V8 heap", "Native", "Code", "Strings", "JS arrays", "Typed arrays", "System objects" })
            run.Stdout.ShouldContain(row);
        run.Stdout.ShouldContain("Summary by class (top 5 of");
        run.Stdout.ShouldContain("Largest objects by retained size");
        run.Stdout.ShouldMatch(@"global @\d+");
        run.Stderr.ShouldContain("Building dominator tree");
    }

    [Fact]
    public async Task Analyze_Json_HasTheDocumentedShapeSortedAndFiltered()
    {
        string path = fixtures.Get("features.js");
        var run = await Heapdog("analyze", path, "--json", "--top", "0", "--filter", "widget", "--objects", "3");
        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("nodeCount").GetInt32().ShouldBeGreaterThan(1000);
        var st = root.GetProperty("statistics");
        foreach (var name in new[] { "total", "v8Heap", "native", "code", "strings", "jsArrays", "typedArrays", "system" })
            st.GetProperty(name).GetInt64().ShouldBeGreaterThanOrEqualTo(0, name);
        st.GetProperty("total").GetInt64().ShouldBe(root.GetProperty("totalSize").GetInt64());
        (st.GetProperty("v8Heap").GetInt64() + st.GetProperty("native").GetInt64()).ShouldBe(st.GetProperty("total").GetInt64());

        var summary = root.GetProperty("summary").EnumerateArray().ToList();
        // features.js defines two classes named Widget in different places: DevTools keeps them apart by location.
        summary.Count.ShouldBe(2);
        summary.ShouldAllBe(c => c.GetProperty("className").GetString() == "Widget");
        summary.Select(c => c.GetProperty("classKey").GetString()).Distinct().Count().ShouldBe(2);
        summary.ShouldAllBe(c => c.GetProperty("location").GetProperty("line").GetInt32() >= 0);
        summary[0].GetProperty("retainedSize").GetInt64().ShouldBeGreaterThanOrEqualTo(summary[1].GetProperty("retainedSize").GetInt64());
        foreach (var c in summary)
            foreach (var name in new[] { "count", "shallowSize", "retainedSize", "distance" })
                c.GetProperty(name).GetInt64().ShouldBeGreaterThan(0, name);

        var largest = root.GetProperty("largestObjects").EnumerateArray().ToList();
        largest.Count.ShouldBe(3);
        largest[0].GetProperty("retainedSize").GetInt64().ShouldBeGreaterThanOrEqualTo(largest[1].GetProperty("retainedSize").GetInt64());
        largest[0].GetProperty("id").GetInt64().ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Analyze_SortByName_ListsClassesAlphabetically()
    {
        var run = await Heapdog("analyze", fixtures.Get("small.js"), "--json", "--sort", "name", "--top", "0", "--objects", "0");
        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var names = doc.RootElement.GetProperty("summary").EnumerateArray().Select(c => c.GetProperty("className").GetString()!).ToList();
        names.Count.ShouldBe(doc.RootElement.GetProperty("classCount").GetInt32());
        names.ShouldBe(names.Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Analyze_MissingFile_ExitsThreeWithOneLine()
    {
        var run = await Heapdog("analyze", "/nonexistent/dir/x.heapsnapshot");
        run.ExitCode.ShouldBe(3);
        run.Stderr.Trim().ShouldBe("heapdog: '/nonexistent/dir/x.heapsnapshot' does not exist");
    }

    [Fact]
    public async Task Analyze_Directory_ExitsThree()
    {
        var run = await Heapdog("analyze", Path.GetTempPath());
        run.ExitCode.ShouldBe(3);
        run.Stderr.ShouldContain("is a directory");
    }

    [Fact]
    public async Task Analyze_NotASnapshot_ExitsFourSayingWhereWithoutStackTrace()
    {
        string path = fixtures.TempPath("not-a-snapshot.txt");
        File.WriteAllText(path, "hello, this is a log file\n");
        var run = await Heapdog("analyze", path);
        run.ExitCode.ShouldBe(4);
        run.Stderr.ShouldContain("not a heap snapshot: expected '{' at the start, found 'h' (at byte 0)");
        run.Stderr.ShouldNotContain("   at ");
        // Redirected, there is no progress: exactly one line, the error.
        run.Stderr.Trim().Split('\n').ShouldHaveSingleItem().ShouldStartWith("heapdog: ");
    }

    [Fact]
    public async Task Analyze_TruncatedSnapshot_ExitsFourAndLeavesTheFileAlone()
    {
        byte[] data = File.ReadAllBytes(fixtures.Get("small.js"));
        string path = fixtures.TempPath("truncated.heapsnapshot");
        File.WriteAllBytes(path, data[..(data.Length / 2)]);
        var run = await Heapdog("analyze", path);
        run.ExitCode.ShouldBe(4);
        run.Stderr.ShouldMatch(@"heapdog: '.*truncated\.heapsnapshot': .*\(at byte [\d,]+\)");
        new FileInfo(path).Length.ShouldBe(data.Length / 2);
    }

    [Fact]
    public async Task Analyze_UnsupportedLayout_ExitsFive()
    {
        string text = File.ReadAllText(fixtures.Get("small.js"));
        string path = fixtures.TempPath("unsupported.heapsnapshot");
        File.WriteAllText(path, text.Replace("\"self_size\"", "\"size_of_self\""));
        var run = await Heapdog("analyze", path);
        run.ExitCode.ShouldBe(5);
        run.Stderr.ShouldContain("unsupported snapshot version: meta.node_fields has no 'self_size'");
    }

    [Fact]
    public async Task Analyze_Verbose_AddsTheStackTrace()
    {
        string path = fixtures.TempPath("verbose.txt");
        File.WriteAllText(path, "[]");
        var run = await Heapdog("analyze", path, "--verbose");
        run.ExitCode.ShouldBe(4);
        run.Stderr.ShouldContain("SnapshotFormatException");
        run.Stderr.ShouldContain("   at ");
    }

    [Fact]
    public async Task Analyze_NegativeTop_IsAUsageError()
    {
        var run = await Heapdog("analyze", fixtures.Get("small.js"), "--top", "-1");
        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("--top must be between 0 and 1000000, got '-1'");
    }
}
