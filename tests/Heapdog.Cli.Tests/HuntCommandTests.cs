using System.Text.Json;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog hunt</c> against real services started without any flag for Heapdog.</summary>
public sealed class HuntCommandTests
{
    // SIGUSR1 opens a free port rather than 9229, so these tests never compete with other suites for it.
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    private static async Task<List<JsonElement>> HuntAsync(NodeProgram target)
    {
        await target.PortAsync();
        using var dir = new TempDirectory();
        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", "--pid", target.Pid.ToString(), "--snapshots", "3", "--interval", "3s", "--json");
        run.ExitCode.ShouldBe(0, run.Stderr);
        (await target.GetAsync()).ShouldNotBeEmpty(); // still serving after three snapshots
        Directory.GetFiles(dir.Path).ShouldBeEmpty(); // snapshots deleted without --keep
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.GetProperty("suspects").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    [Fact]
    public async Task Hunt_Keep_DirectoriesAndSnapshotsAreOwnerOnly()
    {
        using var target = new NodeProgram("healthy-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        string keep = Path.Combine(dir.Path, "kept", "hunt");

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", "--pid", target.Pid.ToString(), "--snapshots", "2", "--interval", "1s",
            "--json", "--keep", keep);

        run.ExitCode.ShouldBe(0, run.Stderr);
        if (OperatingSystem.IsWindows()) return;
        const UnixFileMode ownerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        File.GetUnixFileMode(Path.Combine(dir.Path, "kept")).ShouldBe(ownerDirectory);
        File.GetUnixFileMode(keep).ShouldBe(ownerDirectory);
        var files = Directory.GetFiles(keep);
        files.Length.ShouldBe(2, run.Stderr);
        foreach (var f in files) File.GetUnixFileMode(f).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite, f);
    }

    [Fact]
    public async Task Hunt_LeakingService_NamesItsGrowingArrayAndListeners()
    {
        using var target = new NodeProgram("leaky-service.js", flags: FreeInspectorPort);
        var suspects = await HuntAsync(target);

        suspects.ShouldNotBeEmpty();
        suspects[0].GetProperty("severity").GetString().ShouldBe("high");
        var top = suspects.Take(3).Select(s => s.GetProperty("explanation").GetString()!).ToList();
        top.ShouldContain(e => e.Contains("sentEvents"), string.Join("\n", top));
        top.ShouldContain(e => e.Contains("`error` listeners"), string.Join("\n", top));
        suspects[0].GetProperty("location").ToString().ShouldContain("leaky-service.js");
        suspects[0].GetProperty("retainerPath").GetArrayLength().ShouldBeGreaterThan(1);
    }

    [Fact]
    public async Task Hunt_HealthyService_AccusesNobody()
    {
        using var target = new NodeProgram("healthy-service.js", flags: FreeInspectorPort);
        var suspects = await HuntAsync(target);

        var accused = suspects.Where(s => s.GetProperty("severity").GetString() is "medium" or "high")
            .Select(s => s.GetProperty("explanation").GetString()).ToList();
        accused.ShouldBeEmpty(string.Join("\n", accused));
    }
}
