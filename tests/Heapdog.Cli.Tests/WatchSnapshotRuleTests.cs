
namespace Heapdog.Cli.Tests;

/// <summary><c>watch</c>'s snapshot rules take real snapshots through the inspector, without harming the target.</summary>
public sealed class WatchSnapshotRuleTests
{
    [Fact]
    public async Task Watch_PeriodicSnapshotRule_WritesACompleteSnapshotAndTheTargetKeepsServing()
    {
        using var target = new NodeProgram("healthy-service.js", flags: ["--inspect-port=0"]);
        await target.PortAsync();
        using var dir = new TempDirectory();
        string snapshots = Path.Combine(dir.Path, "snapshots");

        var run = await HeapdogCommand.RunAsync(dir.Path, "watch", "--pid", target.Pid.ToString(), "--interval", "1s", "--duration", "8s",
            "--db", Path.Combine(dir.Path, "watch.db"), "--snapshot-dir", snapshots, "--snapshot-every", "2s", "--snapshot-max", "1", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        var files = Directory.GetFiles(snapshots);
        files.ShouldHaveSingleItem(run.Stderr).ShouldEndWith(".heapsnapshot");
        run.Stderr.ShouldContain("written to " + files[0]);
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(snapshots).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.GetUnixFileMode(files[0]).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        // A complete snapshot: heapdog analyze reads it.
        var analyze = await HeapdogCommand.RunAsync(dir.Path, "analyze", files[0], "--top", "1");
        analyze.ExitCode.ShouldBe(0, analyze.Stderr);
        (await target.GetAsync()).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Watch_RuntimeWithHeapShareRule_SnapshotSharesTheProbeSessionAndTheInspectorIsClosed()
    {
        using var target = new NodeProgram("healthy-service.js", flags: ["--inspect-port=0"]);
        int httpPort = await target.PortAsync();
        using var dir = new TempDirectory();
        string snapshots = Path.Combine(dir.Path, "snapshots");

        // Heap used is far above 0.1 % of the limit: the rule fires as soon as runtime figures arrive. Without sharing,
        // the snapshot would be refused by the probe's hold on the one-session-per-process lock.
        var run = await HeapdogCommand.RunAsync(dir.Path, "watch", "--pid", target.Pid.ToString(), "--runtime", "--interval", "1s",
            "--duration", "6s", "--db", Path.Combine(dir.Path, "watch.db"), "--snapshot-dir", snapshots,
            "--snapshot-heap-share", "0.001", "--snapshot-max", "1", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldNotContain("another Heapdog");
        Directory.GetFiles(snapshots).ShouldHaveSingleItem(run.Stderr).ShouldEndWith(".heapsnapshot");
        target.Stderr.Split('\n').Count(l => l == "Debugger attached.").ShouldBe(1, target.Stderr);
        Heapdog.Processes.ListeningSockets.OfProcess(target.Pid).Select(e => e.Port).ShouldBe([httpPort]);
        (await target.GetAsync()).ShouldNotBeEmpty();
    }
}
