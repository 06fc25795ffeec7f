namespace Heapdog.Cli.Tests;

/// <summary>
/// Faults of a real file system, on a real tmpfs that fills up or turns read-only: <c>watch</c> and <c>snapshot</c> end
/// with the documented exit code and one line naming the file (8 for a full disk, 12 for a store that cannot be
/// written), never an internal error, and leave no partial file behind.
/// </summary>
public sealed class FullDiskTests
{
    private const string Idle = "console.log('ready'); setInterval(() => {}, 1000);";

    [TmpfsFact]
    public async Task Watch_StoreOnFullDisk_Exit8AndOneLineNamingTheStore()
    {
        using var node = NodeProgram.Inline(Idle);
        await node.ReadyAsync();
        using var disk = new SmallTmpfs(2);
        disk.Fill();
        string db = disk.File("store.db");

        var run = await HeapdogCommand.RunAsync(disk.Path, ["watch", "--pid", node.Pid.ToString(), "--db", db, "--interval", "200ms", "--duration", "2s"],
            timeout: TimeSpan.FromSeconds(60));

        run.ExitCode.ShouldBe(8, run.Stderr);
        OneErrorLine(run.Stderr).ShouldBe($"heapdog: cannot use store {db}: disk full (no space left on the device)");
    }

    [TmpfsFact]
    public async Task Watch_DiskFillsWhileWatching_Exit8AndOneLineNamingTheStore()
    {
        using var node = NodeProgram.Inline(Idle);
        await node.ReadyAsync();
        using var disk = new SmallTmpfs(4);
        string db = disk.File("store.db");
        using var watch = HeapdogProcess.Start(disk.Path, ["watch", "--pid", node.Pid.ToString(), "--db", db, "--interval", "100ms"]);
        // The plain log prints a line per round written: the store is open and taking samples.
        await watch.WaitForLineAsync(line => line.Contains($"pid {node.Pid}", StringComparison.Ordinal), "a round's line", TimeSpan.FromSeconds(30));

        disk.Fill();
        int exitCode = await watch.WaitForExitAsync(TimeSpan.FromSeconds(60));

        exitCode.ShouldBe(8, watch.Stderr);
        OneErrorLine(watch.Stderr).ShouldBe($"heapdog: cannot write store {db}: disk full (no space left on the device)");
    }

    [TmpfsFact]
    public async Task Watch_StoreOnReadOnlyMount_Exit12NotNotAStore()
    {
        using var node = NodeProgram.Inline(Idle);
        await node.ReadyAsync();
        using var disk = new SmallTmpfs(4);
        string db = disk.File("store.db");
        string[] args = ["watch", "--pid", node.Pid.ToString(), "--db", db, "--interval", "200ms", "--duration", "1s"];
        var first = await HeapdogCommand.RunAsync(disk.Path, args, timeout: TimeSpan.FromSeconds(60));
        first.ExitCode.ShouldBe(0, first.Stderr);

        // Root ignores file modes (chmod 0400 would not stop it): only a read-only mount refuses root's writes.
        disk.RemountReadOnly();
        var run = await HeapdogCommand.RunAsync(disk.Path, args, timeout: TimeSpan.FromSeconds(60));

        run.ExitCode.ShouldBe(12, run.Stderr);
        OneErrorLine(run.Stderr).ShouldStartWith($"heapdog: store {db} is not writable: ");
        run.Stderr.ShouldNotContain("not a Heapdog");
    }

    [TmpfsFact]
    public async Task Snapshot_IntoFullDisk_Exit8AndNoFileLeft()
    {
        using var node = NodeProgram.Inline(Idle, flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        using var disk = new SmallTmpfs(4);
        disk.Fill();
        string output = disk.File("app.heapsnapshot");

        var run = await HeapdogCommand.RunAsync(disk.Path, ["snapshot", node.Pid.ToString(), "-o", output], timeout: TimeSpan.FromSeconds(90));

        run.ExitCode.ShouldBe(8, run.Stderr);
        OneErrorLine(run.Stderr).ShouldBe($"heapdog: cannot write a snapshot of pid {node.Pid} in {disk.Path}: disk full (0 B free)");
        disk.EntriesBesideFiller().ShouldBeEmpty();
    }

    [TmpfsFact]
    public async Task Snapshot_DiskFillsDuringTheWrite_Exit8AndNoPartialFile()
    {
        // Room for part of the snapshot only: --ignore-headroom lifts the refusal of the estimate, and the write itself runs out.
        using var node = NodeProgram.Inline("const keep = []; for (let i = 0; i < 50000; i++) keep.push({ i, s: 'item ' + i }); " + Idle,
            flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        using var disk = new SmallTmpfs(4);
        disk.Fill(leaveBytes: 3L << 19);
        string output = disk.File("app.heapsnapshot");

        var run = await HeapdogCommand.RunAsync(disk.Path, ["snapshot", node.Pid.ToString(), "-o", output, "--ignore-headroom"], timeout: TimeSpan.FromSeconds(90));

        run.ExitCode.ShouldBe(8, run.Stderr);
        OneErrorLine(run.Stderr).ShouldBe($"heapdog: cannot write {output}: disk full (no space left on the device)");
        disk.EntriesBesideFiller().ShouldBeEmpty();
    }

    [TmpfsFact]
    public async Task Snapshot_CostRefusal_NamesIgnoreHeadroomAndOldForceStillLiftsItWithADeprecation()
    {
        using var node = NodeProgram.Inline("const keep = []; for (let i = 0; i < 50000; i++) keep.push({ i, s: 'item ' + i }); " + Idle,
            flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        using var disk = new SmallTmpfs(4);
        disk.Fill(leaveBytes: 3L << 19);
        string output = disk.File("app.heapsnapshot");

        var refused = await HeapdogCommand.RunAsync(disk.Path, ["snapshot", node.Pid.ToString(), "-o", output], timeout: TimeSpan.FromSeconds(90));
        var forced = await HeapdogCommand.RunAsync(disk.Path, ["snapshot", node.Pid.ToString(), "-o", output, "--force"], timeout: TimeSpan.FromSeconds(90));

        refused.ExitCode.ShouldBe(7, refused.Stderr);
        refused.Stderr.TrimEnd().ShouldEndWith("; pass --ignore-headroom to take it anyway");
        // The old meaning still holds for now: the refusal is lifted, with the deprecation, and the write runs out of room.
        forced.ExitCode.ShouldBe(8, forced.Stderr);
        forced.Stderr.ShouldContain("going ahead (--force; deprecated for this: use --ignore-headroom, --force will only mean overwrite)");
        disk.EntriesBesideFiller().ShouldBeEmpty();
    }

    /// <summary>The one error line: every other stderr line is progress or a notice; no stack trace, no internal error.</summary>
    private static string OneErrorLine(string stderr)
    {
        stderr.ShouldNotContain("internal error");
        stderr.ShouldNotContain("Exception");
        stderr.ShouldNotContain("   at ");
        var errors = stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("heapdog: cannot", StringComparison.Ordinal)
            || l.StartsWith("heapdog: store", StringComparison.Ordinal)).ToList();
        errors.Count.ShouldBe(1, stderr);
        return errors[0];
    }
}
