using System.Text.Json;

namespace Heapdog.Cli.Tests;

/// <summary>
/// <c>heapdog hunt --allocations</c> against a real service (<c>Programs/audit-map.js</c>) whose leak is a plain
/// object literal stored in a module-level Map by <c>audit</c> (header on line 9, the store on line 10).
/// </summary>
public sealed class AllocationHuntTests
{
    // Without TurboFan's inlining: once the timer callback is optimised with `audit` inlined into it, V8's allocation
    // tracker (like its sampling profiler) names the callback, the outermost function of the optimised frame.
    private static readonly string[] Flags = ["--inspect-port=0", "--no-turbo-inlining"];
    private const int AuditHeaderLine = 9;

    private static async Task<JsonElement> HuntInflightAsync(params string[] extra)
    {
        using var target = new NodeProgram("audit-map.js", flags: Flags);
        await target.ReadyAsync();
        using var dir = new TempDirectory();
        var run = await HeapdogCommand.RunAsync(dir.Path,
            ["hunt", "--pid", target.Pid.ToString(), "--snapshots", "3", "--interval", "2s", "--json", .. extra]);
        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var suspects = doc.RootElement.GetProperty("suspects").EnumerateArray().Select(e => e.Clone()).ToList();
        return suspects.FirstOrDefault(s => s.GetProperty("propertyPath").GetString()!.Contains("inflight"))
            is { ValueKind: JsonValueKind.Object } found ? found : throw new ShouldAssertException($"no suspect holds `inflight`:\n{run.Stdout}");
    }

    [Fact]
    public async Task Hunt_Allocations_NamesTheAllocatingFunctionAndItsCallers()
    {
        var suspect = await HuntInflightAsync("--allocations");

        var stacks = suspect.GetProperty("allocatedAt");
        stacks.ValueKind.ShouldBe(JsonValueKind.Array, suspect.ToString());
        stacks.GetArrayLength().ShouldBeGreaterThan(0, suspect.ToString());
        var top = stacks[0];
        top.GetProperty("count").GetInt64().ShouldBeGreaterThan(0);
        top.GetProperty("bytes").GetInt64().ShouldBeGreaterThan(0);
        var frames = top.GetProperty("frames");
        var frame = frames[0];
        frame.GetProperty("function").GetString().ShouldBe("audit", top.ToString());
        frame.GetProperty("script").GetString()!.ShouldEndWith("audit-map.js");
        // V8 records where the allocating function starts, not the statement: the header of `audit`, 1-based.
        frame.GetProperty("line").GetInt32().ShouldBe(AuditHeaderLine, top.ToString());
        frame.GetProperty("column").GetInt32().ShouldBeGreaterThan(0);
        // Its caller, the timer's callback, is the next frame.
        frames.GetArrayLength().ShouldBeGreaterThan(1, top.ToString());
        frames[1].GetProperty("line").GetInt32().ShouldBe(AuditHeaderLine + 4, top.ToString());
    }

    [Fact]
    public async Task Hunt_WithoutAllocations_LocationSaysWhatItIs()
    {
        var suspect = await HuntInflightAsync();

        suspect.GetProperty("allocatedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        var location = suspect.GetProperty("location");
        location.GetProperty("kind").GetString().ShouldBeOneOf("function", "constructor");
        location.GetProperty("script").GetString()!.ShouldEndWith("audit-map.js");
    }
}
