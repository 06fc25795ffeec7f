using System.Text.Json;
using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Tests;

/// <summary>
/// Two <c>heapdog snapshot</c> runs of one live process: each is its own inspector session, and V8 numbers objects
/// afresh in each, so the snapshots' ids do not line up. <c>diff</c> and <c>leaks</c> match them by paths instead of
/// refusing. Real node processes, real files, heapdog run as a user runs it.
/// </summary>
public sealed class SeparateSessionsTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];
    private const int Growth = 3000;

    /// <summary>Snapshot, grow the module-level Map `inflight` by <see cref="Growth"/>, snapshot again (a new session).</summary>
    private static async Task<(string A, string B)> TwoSessionsAsync(TempDirectory dir)
    {
        using var node = new NodeProgram("inflight-map.js", flags: FreeInspectorPort);
        await node.ReadyAsync();
        await SnapshotAsync(dir, node.Pid, "a.heapsnapshot");
        node.WriteLine($"grow {Growth}");
        await node.WaitForLineAsync(l => l.StartsWith("grown ", StringComparison.Ordinal), "\"grown N\"");
        await SnapshotAsync(dir, node.Pid, "b.heapsnapshot");
        return (dir.File("a.heapsnapshot"), dir.File("b.heapsnapshot"));
    }

    private static async Task SnapshotAsync(TempDirectory dir, int pid, string name)
    {
        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", pid.ToString(), "-o", name);
        run.ExitCode.ShouldBe(0, run.Stderr);
    }

    [Fact]
    public async Task DiffAndLeaks_TwoSnapshotRunsOfOneProcess_MatchByPathsAndNameTheGrowingMap()
    {
        using var dir = new TempDirectory();
        var (a, b) = await TwoSessionsAsync(dir);

        var leaks = await HeapdogCommand.RunAsync(dir.Path, "leaks", a, b, "--json");
        leaks.ExitCode.ShouldBe(0, leaks.Stderr);
        using var report = JsonDocument.Parse(leaks.Stdout);
        report.RootElement.GetProperty("matching").GetString().ShouldBe("paths");
        var map = report.RootElement.GetProperty("suspects").EnumerateArray()
            .Single(s => s.GetProperty("accumulationPoint").ValueKind == JsonValueKind.Object
                && s.GetProperty("accumulationPoint").GetProperty("className").GetString() == "Map");
        map.GetProperty("kind").GetString().ShouldBe("collection");
        map.GetProperty("propertyPath").GetString().ShouldBe("inflight"); // the module variable, not its context
        map.GetProperty("location").GetProperty("script").GetString()!.ShouldEndWith("inflight-map.js");
        var counts = map.GetProperty("growth").GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()).ToList();
        counts.ShouldBe([1000L, 1000L + Growth]);
        map.GetProperty("retainerPath").EnumerateArray().Last().GetProperty("edge").GetString().ShouldBe("inflight");

        var diff = await HeapdogCommand.RunAsync(dir.Path, "diff", a, b, "--json", "--top", "0");
        diff.ExitCode.ShouldBe(0, diff.Stderr);
        using var classes = JsonDocument.Parse(diff.Stdout);
        classes.RootElement.GetProperty("matching").GetString().ShouldBe("paths");
        var rows = classes.RootElement.GetProperty("classes").EnumerateArray().ToDictionary(r => r.GetProperty("classKey").GetString()!);
        var request = rows.Values.Single(r => r.GetProperty("className").GetString() == "PendingRequest");
        request.GetProperty("countDelta").GetInt64().ShouldBe(Growth);
        // Who is new or deleted cannot be known without ids: null, never 0.
        foreach (string unknown in new[] { "newCount", "deletedCount", "allocSize", "freedSize" })
            request.GetProperty(unknown).ValueKind.ShouldBe(JsonValueKind.Null);

        // Every class's count delta is what counting each snapshot on its own gives.
        var before = await ClassCountsAsync(dir, a);
        var after = await ClassCountsAsync(dir, b);
        foreach (var key in before.Keys.Union(after.Keys))
        {
            long delta = after.GetValueOrDefault(key) - before.GetValueOrDefault(key);
            if (delta != 0) rows[key].GetProperty("countDelta").GetInt64().ShouldBe(delta, key);
        }

        var text = await HeapdogCommand.RunAsync(dir.Path, "diff", a, b);
        text.ExitCode.ShouldBe(0, text.Stderr);
        text.Stdout.ShouldContain("Matched by paths");
    }

    [Fact]
    public async Task DiffAndLeaks_SnapshotsOfTwoDifferentPrograms_RefusedPlainly()
    {
        using var dir = new TempDirectory();
        using (var tracker = new NodeProgram("inflight-map.js", flags: FreeInspectorPort))
        {
            await tracker.ReadyAsync();
            await SnapshotAsync(dir, tracker.Pid, "tracker.heapsnapshot");
        }
        using (var other = new NodeProgram("steady.js", flags: FreeInspectorPort))
        {
            await other.ReadyAsync();
            await SnapshotAsync(dir, other.Pid, "steady.heapsnapshot");
        }

        foreach (var verb in new[] { "diff", "leaks" })
        {
            var run = await HeapdogCommand.RunAsync(dir.Path, verb, dir.File("tracker.heapsnapshot"), dir.File("steady.heapsnapshot"), "--json");
            run.ExitCode.ShouldBe(ExitCodes.NotComparable, verb);
            run.Stderr.ShouldContain("no application script in common");
            run.Stderr.ShouldContain("two different programs");
            run.Stderr.ShouldNotContain("restart");
        }
    }

    private static async Task<Dictionary<string, long>> ClassCountsAsync(TempDirectory dir, string file)
    {
        var run = await HeapdogCommand.RunAsync(dir.Path, "analyze", file, "--json", "--top", "0", "--objects", "0");
        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.GetProperty("summary").EnumerateArray()
            .ToDictionary(c => c.GetProperty("classKey").GetString()!, c => c.GetProperty("count").GetInt64());
    }
}
