using System.Globalization;
using ModelContextProtocol;

namespace Heapdog.Mcp.Tests;

/// <summary>An agent's view of <c>heapdog mcp</c>: the tools it lists, an investigation of a real leaking service
/// driven through them, and bad calls answered as MCP errors.</summary>
public sealed class McpServerTests
{
    private static readonly string[] FileTools = ["analyze", "diff", "leaks", "inspect", "paths", "dominators", "strings", "class_objects", "find_strings"];
    private static readonly string[] LiveTools = ["ps", "snapshot", "hunt", "sample", "oom_deaths", "watch_status"];

    [Fact]
    public async Task ListTools_EveryTool_HasADescriptionAnObjectSchemaAndHonestAnnotations()
    {
        await using var session = await McpSession.StartAsync();
        var tools = await session.ListToolsAsync();
        tools.Select(t => t.Name).Order().ShouldBe(FileTools.Concat(LiveTools).Order());
        foreach (var tool in tools)
        {
            tool.Description.ShouldNotBeNullOrWhiteSpace(tool.Name);
            tool.JsonSchema.GetProperty("type").GetString().ShouldBe("object", tool.Name);
            var annotations = tool.ProtocolTool.Annotations.ShouldNotBeNull(tool.Name);
            if (FileTools.Contains(tool.Name)) annotations.ReadOnlyHint.ShouldBe(true, tool.Name);
        }
        foreach (string name in new[] { "snapshot", "hunt" })
        {
            var tool = tools.Single(t => t.Name == name);
            tool.ProtocolTool.Annotations!.DestructiveHint.ShouldBe(true, name);
            tool.Description!.ShouldStartWith("ACTS ON A LIVE PROCESS");
        }
        tools.Single(t => t.Name == "inspect").JsonSchema.GetProperty("required").EnumerateArray().Select(e => e.GetString())
            .ShouldBe(["file", "id"], ignoreOrder: true);
    }

    [Fact]
    public async Task ReadOnly_ListsOnlyTheFileTools()
    {
        await using var session = await McpSession.StartAsync("--read-only");
        (await session.ListToolsAsync()).Select(t => t.Name).Order().ShouldBe(FileTools.Order());
    }

    [Fact]
    public async Task ClosedInput_TheServerExitsByItself_WithCodeZero()
    {
        var session = await McpSession.StartAsync();
        (await session.CallAsync("ps", [])).GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        await session.DisposeAsync();
        session.ExitCode.ShouldBe(0);
    }

    [Fact]
    public async Task BadCalls_AreToolErrors_AndTheServerGoesOn()
    {
        await using var session = await McpSession.StartAsync();
        using var dir = new TempDirectory();
        var missing = await session.CallToolAsync("inspect", new Dictionary<string, object?> { ["file"] = dir.File("gone.heapsnapshot"), ["id"] = "@1" });
        missing.IsError.ShouldBe(true);
        McpSession.Text(missing).ShouldContain("gone.heapsnapshot' does not exist (notFound)");

        var noArguments = await session.CallToolAsync("paths", new Dictionary<string, object?>());
        noArguments.IsError.ShouldBe(true);

        await Should.ThrowAsync<McpException>(() => session.CallToolAsync("no_such_tool", new Dictionary<string, object?>()));

        // Still answering after the errors.
        (await session.CallAsync("ps", [])).GetProperty("schemaVersion").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task OomDeaths_KernelLog_NamesTheKilledNodeProcess()
    {
        using var dir = new TempDirectory();
        string log = dir.File("kern.log");
        await File.WriteAllTextAsync(log,
            "Nov 21 10:00:01 web-1 kernel: [123.456] Out of memory: Killed process 799153 (node), UID 1000, total-vm:606096kB, anon-rss:68308kB, file-rss:13648kB, shmem-rss:0kB\n");
        await using var session = await McpSession.StartAsync();
        var oom = await session.CallAsync("oom_deaths", new Dictionary<string, object?> { ["logs"] = new[] { log } });
        oom.GetProperty("sources").EnumerateArray().ShouldContain(s => s.GetProperty("source").GetString() == log);
        // The default store, if this machine has one, may add deaths a watch recorded: only the logged one is pinned.
        var death = oom.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("source").GetString() == log);
        death.GetProperty("kind").GetString().ShouldBe("kernel-oom-kill");
        death.GetProperty("pid").GetInt32().ShouldBe(799153);
        death.GetProperty("anonRssBytes").GetInt64().ShouldBe(68308L * 1024);
    }

    [Fact]
    public async Task WatchStatus_StoreOfAWatch_ListsTheProcessWithItsSamplesAndVerdict()
    {
        using var service = new NodeProgram("leaky-service.js", flags: ["--inspect-port=0"]);
        await service.PortAsync();
        using var dir = new TempDirectory();
        string db = dir.File("watch.db");
        var watch = await HeapdogCommand.RunAsync(dir.Path, "watch", "--pid", service.Pid.ToString(CultureInfo.InvariantCulture),
            "--interval", "200ms", "--duration", "3s", "--db", db, "--json");
        watch.ExitCode.ShouldBe(0, watch.Stderr);

        await using var session = await McpSession.StartAsync();
        var status = await session.CallAsync("watch_status", new Dictionary<string, object?> { ["db"] = db });
        status.GetProperty("db").GetString().ShouldBe(db);
        var process = status.GetProperty("processes").EnumerateArray().ShouldHaveSingleItem();
        process.GetProperty("pid").GetInt32().ShouldBe(service.Pid);
        process.GetProperty("sampleCount").GetInt64().ShouldBeGreaterThan(5);
        process.GetProperty("lastRss").GetInt64().ShouldBeGreaterThan(0);
        process.GetProperty("verdict").GetProperty("status").GetString().ShouldNotBeNullOrEmpty();

        var missing = await session.CallToolAsync("watch_status", new Dictionary<string, object?> { ["db"] = dir.File("none.db") });
        missing.IsError.ShouldBe(true);
        McpSession.Text(missing).ShouldContain("(notFound)");
    }

    [Fact]
    public async Task Hunt_Allocations_SuspectsCarryTheirAllocationStacks()
    {
        // Without TurboFan's inlining, so publishEvent stays a frame of its own however early V8 optimises its caller;
        // without compaction, which makes V8 lose the stacks of the objects it moves (docs/hunt.md, "Stacks V8 loses").
        using var service = new NodeProgram("leaky-service.js", flags: ["--inspect-port=0", "--no-turbo-inlining", "--no-compact"]);
        await service.PortAsync();
        await using var session = await McpSession.StartAsync();

        var hunt = await session.CallAsync("hunt", new Dictionary<string, object?>
        {
            ["pid"] = service.Pid, ["snapshots"] = 2, ["interval"] = "2s", ["allocations"] = true,
        });

        var array = hunt.GetProperty("report").GetProperty("suspects").EnumerateArray()
            .First(s => s.GetProperty("explanation").GetString()!.Contains("sentEvents"));
        var functions = array.GetProperty("allocatedAt").EnumerateArray().SelectMany(a => a.GetProperty("frames").EnumerateArray())
            .Select(f => f.GetProperty("function").GetString()).ToList();
        functions.ShouldContain("publishEvent", array.ToString());
        var stored = array.GetProperty("storedAt"); // leaky-service.js: publishEvent starts on line 23 and stores on 25
        (stored.GetProperty("line").GetInt32(), stored.GetProperty("kind").GetString(), stored.GetProperty("owner").GetString()).ShouldBe((25, "stored-at", "sentEvents"), array.ToString());
    }

    [Fact]
    public async Task Investigation_LeakingService_PsHuntInspectPaths_FindsTheArrayItsPathAndItsLine()
    {
        using var service = new NodeProgram("leaky-service.js", flags: ["--inspect-port=0"]);
        await service.PortAsync();
        await using var session = await McpSession.StartAsync();

        // ps: the service is there.
        var ps = await session.CallAsync("ps", []);
        ps.GetProperty("processes").EnumerateArray().ShouldContain(p => p.GetProperty("pid").GetInt32() == service.Pid);

        // hunt: with progress notifications, the snapshots kept, the growing array named with its line.
        var phases = new List<string>();
        var progress = new SynchronousProgress(p => { lock (phases) phases.Add(p.Message ?? ""); });
        var hunt = await session.CallAsync("hunt", new Dictionary<string, object?>
        {
            ["pid"] = service.Pid, ["snapshots"] = 3, ["interval"] = "3s",
        }, progress);
        var snapshots = hunt.GetProperty("snapshots").EnumerateArray().Select(s => s.GetString()!).ToList();
        snapshots.Count.ShouldBe(3);
        snapshots.ShouldAllBe(s => File.Exists(s));
        lock (phases) phases.ShouldContain(p => p.Contains("snapshot 2 of 3"), string.Join("\n", phases));
        var suspects = hunt.GetProperty("report").GetProperty("suspects").EnumerateArray().ToList();
        // Both of the demo's leaks: the array that only grows, and the 'error' listener added per request.
        suspects.ShouldContain(s => s.GetProperty("explanation").GetString()!.Contains("`error` listeners"));
        var array = suspects.First(s => s.GetProperty("explanation").GetString()!.Contains("sentEvents"));
        array.GetProperty("location").GetProperty("script").GetString()!.ShouldEndWith("leaky-service.js");
        string id = "@" + array.GetProperty("accumulationPoint").GetProperty("id").GetUInt32().ToString(CultureInfo.InvariantCulture);

        // inspect the accumulation point in the last snapshot: an Array holding the OrderEvents.
        var inspect = await session.CallAsync("inspect", new Dictionary<string, object?> { ["file"] = snapshots[^1], ["id"] = id, ["limit"] = 5 });
        inspect.GetProperty("object").GetProperty("className").GetString().ShouldBe("Array");
        inspect.GetProperty("edges").EnumerateArray().ShouldContain(e => e.GetProperty("to").GetProperty("className").GetString() == "OrderEvent");

        // paths: from the roots through the module's `sentEvents` variable.
        var paths = await session.CallAsync("paths", new Dictionary<string, object?> { ["file"] = snapshots[^1], ["id"] = id, ["k"] = 1 });
        var links = paths.GetProperty("paths")[0].GetProperty("links").EnumerateArray().ToList();
        links[^1].GetProperty("edge").GetString().ShouldBe("sentEvents");

        (await service.GetAsync()).ShouldNotBeEmpty(); // still serving
    }

    /// <summary>Reports on the caller's thread, so every notification is seen before the call returns.</summary>
    private sealed class SynchronousProgress(Action<ProgressNotificationValue> report) : IProgress<ProgressNotificationValue>
    {
        public void Report(ProgressNotificationValue value) => report(value);
    }
}
