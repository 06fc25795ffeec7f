using Heapdog.Inspector.Tests;

namespace Heapdog.Cli.Tests;

/// <summary><c>watch</c>'s snapshot rules take real snapshots through the inspector, without harming the target.</summary>
public sealed class WatchSnapshotRuleTests
{
    [Fact]
    public async Task Watch_PeriodicSnapshotRule_WritesACompleteSnapshotAndTheTargetKeepsServing()
    {
        using var target = new NodeProcess("healthy-service.js", ["--inspect-port=0"]);
        await target.PortAsync();
        using var dir = new TempDirectory();
        string snapshots = Path.Combine(dir.Path, "snapshots");

        var run = await HeapdogRun.RunAsync(dir.Path, null, "watch", "--pid", target.Pid.ToString(), "--interval", "1s", "--duration", "8s",
            "--db", Path.Combine(dir.Path, "watch.db"), "--snapshot-dir", snapshots, "--snapshot-every", "2s", "--snapshot-max", "1", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        var files = Directory.GetFiles(snapshots);
        files.ShouldHaveSingleItem(run.Stderr).ShouldEndWith(".heapsnapshot");
        run.Stderr.ShouldContain("written to " + files[0]);
        // A complete snapshot: heapdog analyze reads it.
        var analyze = await HeapdogRun.RunAsync(dir.Path, null, "analyze", files[0], "--top", "1");
        analyze.ExitCode.ShouldBe(0, analyze.Stderr);
        (await target.GetAsync()).ShouldNotBeEmpty();
    }
}
