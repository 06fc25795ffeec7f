using System.Diagnostics;
using System.Text.Json;
using Heapdog.Processes;

namespace Heapdog.Cli.Tests;

/// <summary>
/// <c>watch --runtime</c> run as a user runs it, against real node processes started with --inspect-port=0 (SIGUSR1
/// then opens a free port, so these tests do not compete for 9229).
/// </summary>
public sealed class WatchRuntimeTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task Watch_RuntimeOnJsHeapLeak_HeapUsedGrowsVerdictUsesItAndInspectorIsClosed()
    {
        using var node = new NodeProgram("runtime-figures.js", args: ["--leak"], flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();

        // 18 s at 1 s: eight samples after the 10 s warm-up of the process, enough for a verdict.
        var run = await HeapdogCommand.RunAsync(dir.Path, "watch", "--pid", node.Pid.ToString(), "--runtime", "--interval", "1s",
            "--duration", "18s", "--json", "--db", dir.File("watch.db"));

        run.ExitCode.ShouldBe(0, run.Stderr);
        var p = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("processes").EnumerateArray().Single();
        var samples = p.GetProperty("samples");
        var heapUsed = samples.GetProperty("heapUsed");
        (heapUsed.GetProperty("last").GetInt64() - heapUsed.GetProperty("first").GetInt64()).ShouldBeGreaterThan(20 * MiB, samples.ToString());
        samples.GetProperty("heapTotal").GetProperty("last").GetInt64().ShouldBeGreaterThanOrEqualTo(heapUsed.GetProperty("last").GetInt64());
        samples.GetProperty("arrayBuffers").GetProperty("min").GetInt64().ShouldBeGreaterThanOrEqualTo(64 * MiB);
        samples.GetProperty("heapLimit").GetInt64().ShouldBeGreaterThan(128 * MiB);
        samples.GetProperty("gcCount").GetInt64().ShouldBeGreaterThan(0);
        samples.GetProperty("nativeContexts").GetInt64().ShouldBe(1);
        var verdict = p.GetProperty("verdict");
        verdict.GetProperty("usedRuntimeFigures").GetBoolean().ShouldBeTrue(verdict.ToString());
        verdict.GetProperty("series")[0].GetProperty("name").GetString().ShouldBe("heapUsed");
        verdict.GetProperty("growth").GetString().ShouldBe("js-heap", verdict.ToString());
        // One session for the whole watch, and the inspector SIGUSR1 opened is closed again.
        node.Stderr.Split('\n').Count(l => l == "Debugger attached.").ShouldBe(1, node.Stderr);
        ListeningSockets.OfProcess(node.Pid).Select(e => e.Port).ShouldBe([httpPort]);
        (await node.GetAsync()).ShouldStartWith("ok 67108864");
    }

    [Fact]
    public async Task Watch_RuntimeTargetsKilledAndStoppedMidWatch_WatchGoesOnAndEndsOnTime()
    {
        using var killed = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        using var stopped = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        using var healthy = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        int healthyPort = await healthy.PortAsync();
        await killed.PortAsync();
        int stoppedPort = await stopped.PortAsync();
        using var dir = new TempDirectory();

        var clock = Stopwatch.StartNew();
        var watch = HeapdogCommand.RunAsync(dir.Path, "watch", "--pid", killed.Pid.ToString(), "--pid", stopped.Pid.ToString(),
            "--pid", healthy.Pid.ToString(), "--runtime", "--interval", "1s", "--duration", "8s", "--json", "--db", dir.File("watch.db"));
        try
        {
            // Both sessions open (the start-up of the watcher varies on a loaded machine), then one read more.
            while (!killed.Stderr.Contains("Debugger attached.") || !stopped.Stderr.Contains("Debugger attached."))
            {
                clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(8), "the watch did not attach");
                await Task.Delay(100);
            }
            await Task.Delay(1200);
            killed.Kill();
            Signal("STOP", stopped.Pid);
            await Task.Delay(3000);
        }
        finally
        {
            Signal("CONT", stopped.Pid);
        }
        var run = await watch;
        var elapsed = clock.Elapsed;

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldNotContain("   at ");
        // The exit is the watcher's to report; the lost session is not worth a line of its own.
        run.Stderr.ShouldNotContain($"pid {killed.Pid}:");
        run.Stderr.ShouldContain($"pid {stopped.Pid}: runtime figures unavailable for now: pid {stopped.Pid} did not answer Runtime.evaluate", Case.Sensitive, $"killed {killed.Pid}, stopped {stopped.Pid}, healthy {healthy.Pid}: {run.Stderr}");
        // 8 s of watching plus start-up; one read of the stopped target may hold a round for its 2 s timeout.
        elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(16), run.Stderr);
        var processes = JsonDocument.Parse(run.Stdout).RootElement.GetProperty("processes").EnumerateArray()
            .ToDictionary(p => p.GetProperty("pid").GetInt32());
        processes[killed.Pid].GetProperty("exited").GetBoolean().ShouldBeTrue();
        processes[stopped.Pid].GetProperty("samples").GetProperty("count").GetInt64().ShouldBe(9);
        var h = processes[healthy.Pid].GetProperty("samples");
        h.GetProperty("count").GetInt64().ShouldBe(9);
        h.GetProperty("arrayBuffers").GetProperty("min").GetInt64().ShouldBeGreaterThanOrEqualTo(64 * MiB);
        ListeningSockets.OfProcess(healthy.Pid).Select(e => e.Port).ShouldBe([healthyPort]);
        (await healthy.GetAsync()).ShouldStartWith("ok");
        ListeningSockets.OfProcess(stopped.Pid).Select(e => e.Port).ShouldBe([stoppedPort]);
        (await stopped.GetAsync()).ShouldStartWith("ok");
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()])!;
        kill.WaitForExit();
    }
}
