using System.Text.Json;
using Heapdog.Inspector;

namespace Heapdog.Cli.Tests;

/// <summary>
/// <c>--force</c> means "replace the output" (the old <c>--overwrite</c> still works and says it is deprecated), and
/// <c>snapshot</c>, <c>arm</c> and <c>serve</c> print JSON with a schema version, against real node processes.
/// </summary>
public sealed class ForceAndJsonTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    [Fact]
    public async Task Snapshot_ForceOnAnExistingOutput_ReplacesItAndPrintsJson()
    {
        using var node = new NodeProgram("server.js", flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.heapsnapshot"), "old");

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", node.Pid.ToString(), "-o", "s.heapsnapshot", "--force", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldBeEmpty();
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("pid").GetInt32().ShouldBe(node.Pid);
        root.GetProperty("file").GetString().ShouldBe(dir.File("s.heapsnapshot"));
        root.GetProperty("bytes").GetInt64().ShouldBe(new FileInfo(dir.File("s.heapsnapshot")).Length);
        root.GetProperty("nodeCount").GetInt64().ShouldBeGreaterThan(1000);
        root.GetProperty("edgeCount").GetInt64().ShouldBeGreaterThan(root.GetProperty("nodeCount").GetInt64());
        root.GetProperty("elapsedMs").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
        (await HeapSnapshotStreamCheck.CheckFileAsync(dir.File("s.heapsnapshot"))).ShouldBeNull();
    }

    [Fact]
    public async Task Snapshot_OldOverwriteSpelling_StillReplacesWithADeprecationLine()
    {
        using var node = new NodeProgram("server.js", flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("s.heapsnapshot"), "old");

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", node.Pid.ToString(), "-o", "s.heapsnapshot", "--overwrite");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.TrimEnd().ShouldBe("heapdog: warning: --overwrite is deprecated, use --force (it means the same)");
        (await HeapSnapshotStreamCheck.CheckFileAsync(dir.File("s.heapsnapshot"))).ShouldBeNull();
    }

    [Fact]
    public async Task Arm_Json_SaysWhatTheProcessWasTold()
    {
        using var node = new NodeProgram("server.js", flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();

        var first = await HeapdogCommand.RunAsync(dir.Path, "arm", node.Pid.ToString(), "--count", "2", "--json");
        var second = await HeapdogCommand.RunAsync(dir.Path, "arm", node.Pid.ToString(), "--json");

        first.ExitCode.ShouldBe(0, first.Stderr);
        using var doc = JsonDocument.Parse(first.Stdout);
        var root = doc.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("pid").GetInt32().ShouldBe(node.Pid);
        root.GetProperty("armedBy").GetString().ShouldBe("now");
        root.GetProperty("count").GetInt32().ShouldBe(2);
        root.GetProperty("heapLimitBytes").GetInt64().ShouldBeGreaterThan(0);
        root.GetProperty("directory").GetString().ShouldNotBeNullOrEmpty();
        root.GetProperty("fromDiagnosticDir").GetBoolean().ShouldBeFalse();
        root.GetProperty("freeBytes").GetInt64().ShouldBeGreaterThan(0);
        second.ExitCode.ShouldBe(0, second.Stderr);
        JsonDocument.Parse(second.Stdout).RootElement.GetProperty("armedBy").GetString().ShouldBe("earlier");
    }

    [Fact]
    public async Task Serve_Json_StartupInformationAsOneDocument()
    {
        using var dir = new TempDirectory();
        int port = LoopbackPort.Free();
        using var server = HeapdogProcess.Start(dir.Path, ["serve", "--db", dir.File("s.db"), "--pid", Environment.ProcessId.ToString(), "--urls", $"http://127.0.0.1:{port}", "--json"],
            new Dictionary<string, string> { ["HEAPDOG_TOKEN"] = "" });
        await server.WaitForLineAsync(line => line == "}", "the end of the JSON document", TimeSpan.FromMinutes(1));

        using var doc = JsonDocument.Parse(server.Stdout);
        var root = doc.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("urls").EnumerateArray().Select(u => u.GetString()).ShouldBe([$"http://127.0.0.1:{port}"]);
        string open = root.GetProperty("openUrls").EnumerateArray().ShouldHaveSingleItem().GetString()!;
        open.ShouldStartWith($"http://127.0.0.1:{port}/?token=");
        root.GetProperty("db").GetString().ShouldBe(dir.File("s.db"));
        root.GetProperty("snapshots").GetString().ShouldBe(dir.File("snapshots"));
        root.GetProperty("pid").GetInt32().ShouldBe(server.Pid);
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        (await client.GetAsync(open)).IsSuccessStatusCode.ShouldBeTrue();
    }

    [Fact]
    public async Task Hunt_OldForceSpelling_IsIgnoreHeadroomWithADeprecationLine()
    {
        using var node = new NodeProgram("server.js", flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", node.Pid.ToString(), "--snapshots", "2", "--interval", "100ms", "--force", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldContain("heapdog: warning: hunt --force is deprecated, use --ignore-headroom (it means the same)");
        JsonDocument.Parse(run.Stdout).RootElement.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
    }
}
