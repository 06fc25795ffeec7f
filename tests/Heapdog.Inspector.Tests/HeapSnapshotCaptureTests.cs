using System.Text.Json;

namespace Heapdog.Inspector.Tests;

[Collection(InspectorPortCollection.Name)]
public sealed class HeapSnapshotCaptureTests
{
    [Fact]
    public async Task CaptureAsync_LiveProcess_MatchesWhatNodeWritesItself()
    {
        using var node = new NodeProgram("server.js");
        await node.PortAsync();
        using var dir = new TempDirectory();
        string ours = dir.File("ours.heapsnapshot"), theirs = dir.File("node.heapsnapshot");
        var phases = new HashSet<SnapshotPhase>();

        await using (var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
        {
            var result = await HeapSnapshotCapture.CaptureAsync(process.Connection, ours, collectGarbage: true, overwrite: false,
                new SyncProgress(p => phases.Add(p.Phase)));
            result.Bytes.ShouldBe(new FileInfo(ours).Length);
            await process.Connection.EvaluateAsync($"require('v8').writeHeapSnapshot({JsonSerializer.Serialize(theirs)})", commandLineApi: true);
        }

        phases.ShouldBe([SnapshotPhase.CollectingGarbage, SnapshotPhase.Building, SnapshotPhase.Writing], ignoreOrder: true);
        using var a = JsonDocument.Parse(File.ReadAllBytes(ours));
        using var b = JsonDocument.Parse(File.ReadAllBytes(theirs));
        var headerA = a.RootElement.GetProperty("snapshot");
        var headerB = b.RootElement.GetProperty("snapshot");
        headerA.GetProperty("meta").GetRawText().ShouldBe(headerB.GetProperty("meta").GetRawText());
        string.Join(',', a.RootElement.EnumerateObject().Select(p => p.Name)).ShouldBe(string.Join(',', b.RootElement.EnumerateObject().Select(p => p.Name)));
        double nodesA = headerA.GetProperty("node_count").GetDouble(), nodesB = headerB.GetProperty("node_count").GetDouble();
        (Math.Abs(nodesA - nodesB) / nodesB).ShouldBeLessThan(0.05);
        nodesA.ShouldBeGreaterThan(20000);
        Directory.GetFiles(dir.Path, "*.partial", SearchOption.AllDirectories).ShouldBeEmpty();
        (await node.GetAsync()).ShouldBe("ok 20000");
    }

    [Fact]
    public async Task CaptureAsync_TargetKilledMidSnapshot_LeavesNoFileAndSaysSo()
    {
        using var node = new NodeProgram("server.js", args: ["200000"]);
        await node.PortAsync();
        using var dir = new TempDirectory();
        string path = dir.File("killed.heapsnapshot");
        await using var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });

        var progress = new SyncProgress(p =>
        {
            if (p.Phase == SnapshotPhase.Writing && !node.HasExited) node.Kill();
        });
        var error = await Should.ThrowAsync<InspectorException>(() =>
            HeapSnapshotCapture.CaptureAsync(process.Connection, path, collectGarbage: false, overwrite: false, progress));

        error.Kind.ShouldBe(InspectorErrorKind.ProcessGone);
        error.Message.ShouldBe($"pid {node.Pid} exited during the snapshot; no snapshot was written");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and race the asserts).</summary>
    private sealed class SyncProgress(Action<SnapshotProgress> report) : IProgress<SnapshotProgress>
    {
        public void Report(SnapshotProgress value) => report(value);
    }
}
