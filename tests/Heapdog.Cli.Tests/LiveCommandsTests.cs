using System.Text.Json;
using Heapdog.Inspector;
using Heapdog.Processes;

namespace Heapdog.Cli.Tests;

/// <summary>
/// The live-process verbs run as a user runs them, against real node processes. Targets start with
/// --inspect-port=0, so SIGUSR1 opens a free port and these tests never compete for 9229 with other suites.
/// </summary>
public sealed class LiveCommandsTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];
    /// <summary>allocator.js's orders per 20 ms for a hunt: a heap that grows 100 KB/s keeps each snapshot small however
    /// long a loaded machine takes to start the hunt.</summary>
    private const string HuntOrdersPerTick = "50";

    [Fact]
    public async Task Snapshot_LiveProcess_WritesCompleteFileClosesInspectorAndTargetServes()
    {
        using var node = new NodeProgram("server.js", flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", node.Pid.ToString(), "-o", "live.heapsnapshot");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldStartWith(dir.File("live.heapsnapshot") + ": ");
        (await HeapSnapshotStreamCheck.CheckFileAsync(dir.File("live.heapsnapshot"))).ShouldBeNull();
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(dir.File("live.heapsnapshot")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.GetFileSystemEntries(dir.Path).Length.ShouldBe(1);
        ListeningSockets.OfProcess(node.Pid).Select(e => e.Port).ShouldBe([httpPort]);
        (await node.GetAsync()).ShouldBe("ok 20000");
    }

    [Fact]
    public async Task Snapshot_OutputExists_RefusesAndLeavesFileUntouched()
    {
        using var node = new NodeProgram("server.js", flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("mine.heapsnapshot"), "precious");

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", "--pid", node.Pid.ToString(), "-o", "mine.heapsnapshot");

        run.ExitCode.ShouldBe(7);
        run.Stderr.ShouldContain($"heapdog: {dir.File("mine.heapsnapshot")} already exists; choose another name or pass --force to replace it");
        File.ReadAllText(dir.File("mine.heapsnapshot")).ShouldBe("precious");
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Snapshot_NoSuchProcess_OneLineAndExit6()
    {
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", "4194000");

        run.ExitCode.ShouldBe(6);
        run.Stderr.ShouldContain("heapdog: no process with pid 4194000");
        run.Stderr.ShouldNotContain("   at ");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Snapshot_TargetKilledWhileSnapshotting_NoFileAndClearError()
    {
        using var node = new NodeProgram("server.js", args: ["300000"], flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, ["snapshot", node.Pid.ToString(), "-o", "killed.heapsnapshot", "--verbose"], line =>
        {
            if (line.Contains("writing", StringComparison.Ordinal)) node.Kill();
        });

        run.ExitCode.ShouldBe(6, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: pid {node.Pid} exited during the snapshot; no snapshot was written");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Sample_KnownAllocatingFunction_RankedFirstWithItsLocation()
    {
        using var node = new NodeProgram("allocator.js", flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "sample", node.Pid.ToString(), "--duration", "3s", "--json", "-o", "a.heapprofile");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var result = JsonDocument.Parse(run.Stdout);
        var top = result.RootElement.GetProperty("sites")[0];
        top.GetProperty("function").GetString().ShouldBe("rememberOrders");
        top.GetProperty("url").GetString()!.ShouldEndWith("allocator.js");
        top.GetProperty("line").GetInt32().ShouldBe(6);
        top.GetProperty("bytes").GetInt64().ShouldBeGreaterThan(0);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(dir.File("a.heapprofile")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var profile = JsonDocument.Parse(File.ReadAllBytes(dir.File("a.heapprofile")));
        profile.RootElement.GetProperty("head").GetProperty("callFrame").GetProperty("functionName").GetString().ShouldBe("(root)");
        profile.RootElement.GetProperty("samples").GetArrayLength().ShouldBeGreaterThan(0);
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Arm_ProcessDiesOfHeapOom_LeavesCompleteSnapshotInItsDirectory()
    {
        using var dir = new TempDirectory();
        using var node = new NodeProgram("heap-oom.js", flags: ["--inspect-port=0", "--max-old-space-size=64"], workingDirectory: dir.Path);
        await node.PortAsync();

        var run = await HeapdogCommand.RunAsync(dir.Path, "arm", node.Pid.ToString());
        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain($"Snapshots will be written to {dir.Path} (its working directory");
        (await node.GetAsync()).ShouldBe("ok");

        await node.GetAsync("/leak");
        (await node.WaitForExitAsync(TimeSpan.FromSeconds(90))).ShouldBe(134, node.Stderr);
        string snapshot = Directory.GetFiles(dir.Path, $"Heap.*.{node.Pid}.*.heapsnapshot").ShouldHaveSingleItem();
        (await HeapSnapshotStreamCheck.CheckFileAsync(snapshot)).ShouldBeNull();
    }

    [Fact]
    public async Task Ps_Json_ListsTargetsWithInspectorState()
    {
        using var off = new NodeProgram("server.js", flags: FreeInspectorPort);
        using var on = new NodeProgram("server.js", flags: ["--inspect=127.0.0.1:0"]);
        int onHttp = await on.PortAsync();
        await off.PortAsync();
        int inspectorPort = ListeningSockets.OfProcess(on.Pid).Single(e => e.Port != onHttp).Port;
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "ps", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var list = JsonDocument.Parse(run.Stdout);
        var processes = list.RootElement.GetProperty("processes").EnumerateArray().ToList();
        var offRow = processes.Single(p => p.GetProperty("pid").GetInt32() == off.Pid);
        var onRow = processes.Single(p => p.GetProperty("pid").GetInt32() == on.Pid);
        offRow.GetProperty("inspectorPort").ValueKind.ShouldBe(JsonValueKind.Null);
        onRow.GetProperty("inspectorPort").GetInt32().ShouldBe(inspectorPort);
        offRow.GetProperty("rssBytes").GetInt64().ShouldBeGreaterThan(10_000_000);
        offRow.GetProperty("commandLine").GetString()!.ShouldEndWith("server.js");
        (await off.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Hunt_WithoutKeep_CapturesSnapshotsThenRemovesThem()
    {
        using var node = new NodeProgram("allocator.js", args: [HuntOrdersPerTick], flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", "--pid", node.Pid.ToString(), "--snapshots", "2", "--interval", "1s", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var report = JsonDocument.Parse(run.Stdout);
        // The leaks report (same shape as `heapdog leaks --json`) names the snapshots it read. Hunt keeps one inspector
        // session for all its snapshots, so they share V8's ids and are matched by them.
        report.RootElement.GetProperty("matching").GetString().ShouldBe("ids");
        var paths = report.RootElement.GetProperty("snapshots").EnumerateArray().Select(s => s.GetProperty("file").GetString()!).ToList();
        paths.Count.ShouldBe(2);
        paths.ShouldAllBe(p => !File.Exists(p));
        ListeningSockets.OfProcess(node.Pid).Select(e => e.Port).ShouldBe([httpPort]);
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Hunt_Keep_LeavesCompleteSnapshots()
    {
        using var node = new NodeProgram("allocator.js", args: [HuntOrdersPerTick], flags: FreeInspectorPort);
        await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", node.Pid.ToString(), "--snapshots", "2", "-i", "500ms", "--keep", "kept");

        run.ExitCode.ShouldBe(0, run.Stderr);
        var files = Directory.GetFiles(dir.File("kept"), "*.heapsnapshot");
        files.Length.ShouldBe(2);
        foreach (var file in files) (await HeapSnapshotStreamCheck.CheckFileAsync(file)).ShouldBeNull();
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Demo_Runs_HuntsAndStopsItsService()
    {
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "demo", "--snapshots", "2", "-i", "1s");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stdout.ShouldContain("Leak suspects from 2 snapshots");
        var started = System.Text.RegularExpressions.Regex.Match(run.Stderr, @"Demo service running as pid (\d+)");
        started.Success.ShouldBeTrue(run.Stderr);
        Directory.Exists($"/proc/{started.Groups[1].Value}").ShouldBeFalse();
    }
}
