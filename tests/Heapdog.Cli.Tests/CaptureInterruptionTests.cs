using System.Diagnostics;
using Heapdog.Inspector;
using Heapdog.Processes;

namespace Heapdog.Cli.Tests;

/// <summary>
/// A capture that does not end normally still leaves the target as it was found: <c>heapdog</c> killed with SIGKILL
/// (the dead man's switch closes the inspector), stopped by SIGTERM or SIGINT (cancelled like Ctrl-C), or facing a target
/// that stops mid-stream (the stall timeout). Targets start with --inspect-port=0, so each opens a port of its own.
/// </summary>
public sealed class CaptureInterruptionTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];
    // N plus the switch's ticks plus a lot of slack: the machine may be loaded.
    private static readonly TimeSpan SwitchCloses = DeadMansSwitch.Limit + TimeSpan.FromSeconds(25);
    private static readonly TimeSpan RunLimit = TimeSpan.FromMinutes(2);

    [Theory]
    [InlineData("estimating the snapshot's cost")]
    [InlineData("building")]
    public async Task Snapshot_HeapdogKilledMidCapture_InspectorClosedBySwitchAndNextRunRemovesThePartialFile(string when)
    {
        using var node = new NodeProgram("server.js", args: ["300000"], flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        using (var heapdog = HeapdogProcess.Start(dir.Path, ["snapshot", node.Pid.ToString(), "-o", "first.heapsnapshot", "--verbose"],
                   onStderrLine: line => { if (line.Contains(when, StringComparison.Ordinal)) reached.TrySetResult(); }))
        {
            await reached.Task.WaitAsync(RunLimit);
            heapdog.Kill();
            await heapdog.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        var clock = Stopwatch.StartNew();

        await WaitForOnlyPortAsync(node.Pid, httpPort, SwitchCloses);
        clock.Elapsed.ShouldBeLessThan(SwitchCloses);
        File.Exists(dir.File("first.heapsnapshot")).ShouldBeFalse();

        var next = await HeapdogCommand.RunAsync(dir.Path, ["snapshot", node.Pid.ToString(), "-o", "next.heapsnapshot"], timeout: RunLimit);

        next.ExitCode.ShouldBe(0, next.Stderr + "\n--- node stderr:\n" + node.Stderr + (node.HasExited ? $"\n(node exited with {node.ExitCode})" : ""));
        Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).ShouldBe(["next.heapsnapshot"]);
        await WaitForOnlyPortAsync(node.Pid, httpPort, TimeSpan.FromSeconds(10));
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Snapshot_HeapdogKilledMidStream_LeavesAPartialFileThatNextRunRemoves()
    {
        using var node = new NodeProgram("server.js", args: ["300000"], flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (var heapdog = HeapdogProcess.Start(dir.Path, ["snapshot", node.Pid.ToString(), "-o", "first.heapsnapshot", "--verbose"],
                   onStderrLine: line => { if (line.Contains("writing", StringComparison.Ordinal)) writing.TrySetResult(); }))
        {
            await writing.Task.WaitAsync(RunLimit);
            heapdog.Kill();
            await heapdog.WaitForExitAsync(TimeSpan.FromSeconds(30));
        }
        // What kill -9 leaves: a hidden partial file, as it was when the writer died.
        string[] left = Directory.GetFiles(dir.Path, ".first.heapsnapshot.*.partial");
        left.Length.ShouldBe(1);
        await WaitForOnlyPortAsync(node.Pid, httpPort, SwitchCloses);

        var next = await HeapdogCommand.RunAsync(dir.Path, ["snapshot", node.Pid.ToString(), "-o", "next.heapsnapshot"], timeout: RunLimit);

        next.ExitCode.ShouldBe(0, next.Stderr + "\n--- node stderr:\n" + node.Stderr + (node.HasExited ? $"\n(node exited with {node.ExitCode})" : ""));
        File.Exists(left[0]).ShouldBeFalse();
        Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName).ShouldBe(["next.heapsnapshot"]);
    }

    [Theory]
    [InlineData("TERM", 143, "heapdog: terminated (SIGTERM)")]
    [InlineData("INT", 130, "heapdog: cancelled")]
    public async Task Snapshot_SignalMidStream_CancelsLikeCtrlC(string signal, int exitCode, string line)
    {
        using var node = new NodeProgram("server.js", args: ["300000"], flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await RunAndSignalAsync(dir.Path, ["snapshot", node.Pid.ToString(), "-o", "cut.heapsnapshot"], "writing", signal, node.Pid);

        run.ExitCode.ShouldBe(exitCode, run.Stderr);
        run.Stderr.ShouldContain(line);
        run.Stderr.ShouldNotContain("internal error");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
        await WaitForOnlyPortAsync(node.Pid, httpPort, SwitchCloses);
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Hunt_SigtermMidSnapshot_Exit143NoPartialFileInspectorClosed()
    {
        using var node = new NodeProgram("server.js", args: ["300000"], flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await RunAndSignalAsync(dir.Path, ["hunt", "--pid", node.Pid.ToString(), "--snapshots", "2", "--interval", "1s", "--keep", "snaps"],
            "writing", "TERM", node.Pid);

        run.ExitCode.ShouldBe(143, run.Stderr);
        run.Stderr.ShouldContain("heapdog: terminated (SIGTERM)");
        run.Stderr.ShouldNotContain("internal error");
        Directory.GetFiles(dir.Path, "*.partial", SearchOption.AllDirectories).ShouldBeEmpty();
        await WaitForOnlyPortAsync(node.Pid, httpPort, SwitchCloses);
    }

    [Fact]
    public async Task Sample_SigtermWhileSampling_Exit143NoProfileInspectorClosed()
    {
        using var node = new NodeProgram("server.js", flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await RunAndSignalAsync(dir.Path, ["sample", node.Pid.ToString(), "--duration", "60s", "-o", "cut.heapprofile"], "sampling pid", "TERM");

        run.ExitCode.ShouldBe(143, run.Stderr);
        run.Stderr.ShouldContain("heapdog: terminated (SIGTERM)");
        run.Stderr.ShouldNotContain("internal error");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
        await WaitForOnlyPortAsync(node.Pid, httpPort, TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Snapshot_TargetStoppedMidStream_StallTimeoutExit6AndSwitchClosesInspectorAfterResume()
    {
        using var node = new NodeProgram("server.js", args: ["300000"], flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();
        bool stopped = false;
        HeapdogRun run;
        try
        {
            run = await HeapdogCommand.RunAsync(dir.Path, ["snapshot", node.Pid.ToString(), "-o", "stalled.heapsnapshot", "--stall-timeout", "3s", "--verbose"],
                line =>
                {
                    if (stopped || !line.Contains("writing", StringComparison.Ordinal)) return;
                    stopped = true;
                    Signal("STOP", node.Pid);
                }, timeout: RunLimit);
        }
        finally
        {
            Signal("CONT", node.Pid);
        }

        stopped.ShouldBeTrue(run.Stderr);
        run.ExitCode.ShouldBe(6, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: pid {node.Pid} sent no snapshot data for 3 s (stopped or hung?); gave up, no snapshot was written");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
        await WaitForOnlyPortAsync(node.Pid, httpPort, SwitchCloses);
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task Snapshot_BadStallTimeout_Exit2()
    {
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", "1", "--stall-timeout", "soon");

        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.ShouldContain("--stall-timeout");
    }

    /// <summary>
    /// Runs heapdog and sends it SIG<paramref name="signal"/> when a stderr line contains <paramref name="when"/>. With
    /// <paramref name="holdTarget"/>, that process is stopped at that moment and resumed once heapdog has exited, so the
    /// signal surely lands mid-stream however fast the rest of the snapshot would have been.
    /// </summary>
    private static async Task<HeapdogRun> RunAndSignalAsync(string directory, string[] args, string when, string signal, int? holdTarget = null)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // --verbose: redirected, only then does heapdog name each phase as it starts.
        using var heapdog = HeapdogProcess.Start(directory, [.. args, "--verbose"], onStderrLine: line =>
        {
            if (!line.Contains(when, StringComparison.Ordinal) || reached.Task.IsCompleted) return;
            if (holdTarget is int held) Signal("STOP", held);
            reached.TrySetResult();
        });
        try
        {
            await Task.WhenAny(reached.Task, heapdog.WaitForExitAsync(RunLimit)).WaitAsync(RunLimit);
            reached.Task.IsCompleted.ShouldBeTrue($"heapdog ended before printing '{when}':\n{heapdog.Stderr}");
            Signal(signal, heapdog.Pid);
            int exitCode = await heapdog.WaitForExitAsync(TimeSpan.FromSeconds(60));
            return new HeapdogRun(exitCode, heapdog.Stdout, heapdog.Stderr);
        }
        finally
        {
            if (holdTarget is int held) Signal("CONT", held);
        }
    }

    /// <summary>Polls until <paramref name="pid"/> listens on its HTTP port alone: its inspector is closed.</summary>
    private static async Task WaitForOnlyPortAsync(int pid, int httpPort, TimeSpan limit)
    {
        var clock = Stopwatch.StartNew();
        while (ListeningSockets.OfProcess(pid).Any(e => e.Port != httpPort))
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"pid {pid} still listens on {string.Join(", ", ListeningSockets.OfProcess(pid))} after {limit}");
            await Task.Delay(100);
        }
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}")!;
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0);
    }
}
