using System.Diagnostics;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Workflows.Tests;

/// <summary>The leak report on real snapshots of a real node running compiled TypeScript: the suspect's location is
/// the generated script's, with the TypeScript file and line beside it.</summary>
public sealed class SourceMappedLeaksTests
{
    private static string[] Snapshots(SourceMappedService service)
    {
        string outDir = Directory.CreateDirectory(Path.Combine(service.Root, "snapshots")).FullName;
        NodeProgram.Run(service.Script, [outDir], TimeSpan.FromMinutes(2));
        return [.. Directory.GetFiles(outDir, "*.heapsnapshot").Order(StringComparer.Ordinal)];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Build_CompiledTypeScriptService_LocationHasTheTypeScriptOriginal(bool inline)
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path, inline);
        var report = LeakFinder.FromFiles(Snapshots(service), WorkProgress.Quiet, CancellationToken.None);

        var result = LeaksResult.Build(report, 5, TimeSpan.Zero);

        var suspect = result.Suspects.FirstOrDefault(s => s.Location?.Script == service.Script);
        suspect.ShouldNotBeNull(string.Join("\n", result.Suspects.Select(s => $"{s.Title} {s.Location}")));
        var location = suspect.Location!;
        location.Line.ShouldBe(SourceMappedService.ConstructorGeneratedLine);
        location.SourceMapNote.ShouldBeNull();
        location.Original.ShouldNotBeNull();
        location.Original.Script.ShouldBe(service.Source);
        location.Original.Line.ShouldBe(SourceMappedService.ConstructorSourceLine);
        suspect.Explanation.ShouldContain("src/audit.ts:");
    }

    [Fact]
    public void Build_MapDeletedAfterTheRun_KeepsTheGeneratedLocationWithANote()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path);
        var snapshots = Snapshots(service);
        File.Delete(service.Map);

        var result = LeaksResult.Build(LeakFinder.FromFiles(snapshots, WorkProgress.Quiet, CancellationToken.None), 5, TimeSpan.Zero);

        var location = result.Suspects.Select(s => s.Location).First(l => l?.Script == service.Script)!;
        location.Original.ShouldBeNull();
        location.Line.ShouldBe(SourceMappedService.ConstructorGeneratedLine);
        location.SourceMapNote.ShouldNotBeNull().ShouldContain("audit.js.map");
    }
}

/// <summary><c>inspect</c> of a function in compiled TypeScript, on a real snapshot.</summary>
public sealed class SourceMappedInspectTests
{
    [Fact]
    public void Build_ConstructorOfCompiledTypeScript_HasTheTypeScriptOriginal()
    {
        using var dir = new TempDirectory();
        var service = SourceMappedService.Write(dir.Path);
        string outDir = Directory.CreateDirectory(Path.Combine(dir.Path, "snapshots")).FullName;
        NodeProgram.Run(service.Script, [outDir], TimeSpan.FromMinutes(2));
        string file = Directory.GetFiles(outDir, "*.heapsnapshot").Order(StringComparer.Ordinal).First();
        var a = Snapshots.SnapshotOpener.Open(file, WorkProgress.Quiet, CancellationToken.None);
        var s = a.Snapshot;
        var scripts = Heapdog.Snapshot.Analysis.ScriptNames.Build(s);
        // The constructor's closure: the object whose location is line 3 (0-based 2) of the generated script.
        int node = Enumerable.Range(0, s.NodeCount).First(v => s.Locations.TryGet(v, out var l)
            && scripts.NameOf(l.ScriptId) == service.Script && l.Line == SourceMappedService.ConstructorGeneratedLine - 1);

        var result = Reports.Inspect.InspectResult.Build(a, file, "@" + s.NodeIds[node], 5);

        result.Location.ShouldNotBeNull().ShouldStartWith($"{service.Script}:{SourceMappedService.ConstructorGeneratedLine}:");
        result.Original.ShouldNotBeNull();
        result.Original.Script.ShouldBe(service.Source);
        result.Original.Line.ShouldBe(SourceMappedService.ConstructorSourceLine);
        result.SourceMapNote.ShouldBeNull();
    }
}
