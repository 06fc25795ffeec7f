using System.Diagnostics;
using Heapdog.Processes;

namespace Heapdog.Cli.Tests;

/// <summary>
/// <c>heapdog snapshot</c> refuses targets whose inspector would be reachable from the network, and stopped targets,
/// with one line and exit 6, leaving no inspector open behind it.
/// </summary>
public sealed class SnapshotRefusalTests
{
    private const string Idle = "console.log('ready'); setInterval(() => {}, 1000);";

    [Fact]
    public async Task Snapshot_InspectPortOnAnyAddress_Exit6AndNoInspectorOpened()
    {
        using var node = NodeProgram.Inline(Idle, flags: ["--inspect-port=0.0.0.0:0"]);
        await node.ReadyAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", node.Pid.ToString());

        run.ExitCode.ShouldBe(6, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: refusing to open the inspector of pid {node.Pid}: it is configured to listen on 0.0.0.0:0 " +
            "(--inspect-port on the command line), which anyone on the network could use to run code in it; " +
            "start it with --inspect-port=127.0.0.1:PORT, or open the inspector yourself and pass --port");
        run.Stderr.ShouldNotContain("   at ");
        await Task.Delay(500);
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Snapshot_StoppedTarget_Exit6QuicklyAndNoInspectorAfterResume()
    {
        using var node = NodeProgram.Inline(Idle, flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        using var dir = new TempDirectory();
        Signal("STOP", node.Pid);
        HeapdogRun run;
        var clock = Stopwatch.StartNew();
        try
        {
            await WaitForStoppedAsync(node.Pid, true);
            clock.Restart();
            run = await HeapdogCommand.RunAsync(dir.Path, ["snapshot", node.Pid.ToString()], timeout: TimeSpan.FromSeconds(30));
            clock.Stop();
        }
        finally
        {
            Signal("CONT", node.Pid);
        }

        run.ExitCode.ShouldBe(6, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: pid {node.Pid} is stopped (SIGSTOP); resume it with kill -CONT {node.Pid} first");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        await WaitForStoppedAsync(node.Pid, false);
        await Task.Delay(1000);
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}")!;
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0);
    }

    private static async Task WaitForStoppedAsync(int pid, bool stopped)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (ProcessReader.TryReadStat(pid)?.IsStopped != stopped)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"pid {pid} did not become {(stopped ? "stopped" : "running")}");
            await Task.Delay(20);
        }
    }
}
