using System.Text.Json;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Paths;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Tests;

/// <summary>The JSON contract: field names and order as docs/*.md show them, absent fields left out where documented.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class ReportJsonTests(SnapshotFixtures fixtures)
{
    private static string[] Fields(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void Analyze_Fields_InTheDocumentedOrder()
    {
        string path = fixtures.Get("small.js");
        var analysis = SnapshotOpener.Open(path, WorkProgress.Quiet, CancellationToken.None);
        string json = ReportJson.Serialize(AnalyzeResult.Build(analysis, new AnalyzeQuery(Top: 5, Objects: 3), path, TimeSpan.Zero, TimeSpan.Zero),
            HeapdogJsonContext.Default.AnalyzeResult);
        var root = JsonDocument.Parse(json).RootElement;
        Fields(root).ShouldBe(["schemaVersion", "file", "fileSize", "nodeCount", "edgeCount", "totalSize", "statistics", "classCount", "summary", "largestObjects", "timings"]);
        Fields(root.GetProperty("statistics")).ShouldBe(["total", "v8Heap", "native", "code", "strings", "jsArrays", "typedArrays", "system"]);
        Fields(root.GetProperty("largestObjects")[0]).ShouldBe(["id", "className", "name", "type", "shallowSize", "retainedSize", "distance"]);
        // A class without a constructor location has no "location" member at all (docs/analyze.md).
        root.GetProperty("summary").EnumerateArray().Any(c => !c.TryGetProperty("location", out _)).ShouldBeTrue();
        json.ShouldContain("\n  \"schemaVersion\": 1,");
    }

    [Fact]
    public void Paths_FirstLink_HasNoEdgeFields()
    {
        string path = fixtures.Get("small.js");
        var analysis = SnapshotOpener.Open(path, WorkProgress.Quiet, CancellationToken.None);
        var target = AnalyzeResult.Build(analysis, new AnalyzeQuery(Objects: 1), path, TimeSpan.Zero, TimeSpan.Zero).LargestObjects[0];
        string json = ReportJson.Serialize(PathsResult.Build(analysis, path, $"@{target.Id}", 1, [], CancellationToken.None), HeapdogJsonContext.Default.PathsResult);
        var links = JsonDocument.Parse(json).RootElement.GetProperty("paths")[0].GetProperty("links");
        Fields(links[0]).ShouldBe(["object"]);
        Fields(links[1]).ShouldBe(["edgeType", "edge", "object"]);
    }

    [Fact]
    public void LeakPathLink_OmittedLinks_IsAnObjectOfItsOwn()
    {
        var cut = new LeaksResult.LeakPathLink(42, null, null, null);
        var link = new LeaksResult.LeakPathLink(null, "items", "property", new LeaksResult.LeakObject(7, "Array", "", "object"));
        var context = HeapdogJsonContext.Default;
        JsonSerializer.Serialize(cut, context.LeakPathLink).ShouldBe("{\n  \"omittedLinks\": 42\n}");
        Fields(JsonDocument.Parse(JsonSerializer.Serialize(link, context.LeakPathLink)).RootElement).ShouldBe(["edge", "edgeType", "object"]);
    }
}
