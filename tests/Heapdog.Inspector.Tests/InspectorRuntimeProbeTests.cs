using System.Diagnostics;
using Heapdog.Monitoring;
using Heapdog.Processes;

namespace Heapdog.Inspector.Tests;

/// <summary>
/// The runtime probe against real node processes. Targets start with --inspect-port=0, so SIGUSR1 opens a free port
/// and these tests do not compete for 9229.
/// </summary>
public sealed class InspectorRuntimeProbeTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task ReadAsync_ProcessHolding64MiBArrayBuffer_ReportsPlausibleFigures()
    {
        using var node = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        await node.PortAsync();
        var log = new List<string>();
        await using var probe = new InspectorRuntimeProbe(log: log.Add);

        var f = await FirstFiguresAsync(probe, Identity(node.Pid));

        f.HeapUsed.ShouldBeGreaterThan(1 * MiB);
        f.HeapTotal.ShouldBeGreaterThanOrEqualTo(f.HeapUsed);
        f.HeapSizeLimit.ShouldBeGreaterThan(Math.Max(f.HeapTotal, 128 * MiB));
        f.ArrayBuffers.ShouldBeInRange(64 * MiB, 65 * MiB);
        f.External.ShouldBeGreaterThanOrEqualTo(f.ArrayBuffers);
        f.NativeContexts.ShouldBe(1);
        f.DetachedContexts.ShouldBe(0);
        f.GcCount.ShouldBeGreaterThanOrEqualTo(0);
        f.GcTimeMs.ShouldBeGreaterThanOrEqualTo(0);
        log.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadAsync_RepeatedReads_ReuseOneSessionAndCountCollections()
    {
        using var node = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        await node.PortAsync();
        await using var probe = new InspectorRuntimeProbe();
        var id = Identity(node.Pid);

        var first = await FirstFiguresAsync(probe, id);
        await Task.Delay(1500);
        var second = (await probe.ReadAsync(id, CancellationToken.None)).ShouldNotBeNull();
        var third = (await probe.ReadAsync(id, CancellationToken.None)).ShouldNotBeNull();

        // The program churns 50,000 objects a second: young-generation collections run every few hundred ms.
        second.GcCount.ShouldBeGreaterThan(first.GcCount);
        third.GcCount.ShouldBeGreaterThanOrEqualTo(second.GcCount);
        second.GcTimeMs.ShouldBeGreaterThanOrEqualTo(first.GcTimeMs);
        CountOf(node.Stderr, "Debugger attached.").ShouldBe(1, node.Stderr);
    }

    [Fact]
    public async Task DisposeAsync_InspectorOpenedBySigusr1_ClosesItAndRemovesTheGcCounter()
    {
        using var node = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        int httpPort = await node.PortAsync();
        await using (var probe = new InspectorRuntimeProbe())
        {
            await FirstFiguresAsync(probe, Identity(node.Pid));
            ListeningSockets.OfProcess(node.Pid).Count.ShouldBe(2);
        }

        ListeningSockets.OfProcess(node.Pid).Select(e => e.Port).ShouldBe([httpPort]);
        await using (var check = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
            (await check.Connection.EvaluateAsync("globalThis[Symbol.for('heapdog.runtime')] === undefined")).GetBoolean().ShouldBeTrue();
        (await node.GetAsync()).ShouldStartWith("ok 67108864");
    }

    [Fact]
    public async Task DisposeAsync_InspectorAlreadyOpen_LeavesItOpen()
    {
        using var node = new NodeProgram("runtime-figures.js", flags: ["--inspect=127.0.0.1:0"]);
        int httpPort = await node.PortAsync();
        int inspectorPort = ListeningSockets.OfProcess(node.Pid).Single(e => e.Port != httpPort).Port;
        await using (var probe = new InspectorRuntimeProbe())
            await FirstFiguresAsync(probe, Identity(node.Pid));

        ListeningSockets.OfProcess(node.Pid).ShouldContain(e => e.Port == inspectorPort);
    }

    [Fact]
    public async Task ReadAsync_TargetKilled_ReturnsNullWithoutWaitingAndForgetIsQuick()
    {
        using var node = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        await node.PortAsync();
        await using var probe = new InspectorRuntimeProbe();
        var id = Identity(node.Pid);
        await FirstFiguresAsync(probe, id);

        node.Kill();
        await node.WaitForExitAsync();
        var clock = Stopwatch.StartNew();
        var figures = await probe.ReadAsync(id, CancellationToken.None);
        await probe.Forget(id);

        figures.ShouldBeNull();
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ReadAsync_TargetStopped_GivesUpWithinTheTimeoutAndRecoversAfterwards()
    {
        using var node = new NodeProgram("runtime-figures.js", flags: FreeInspectorPort);
        await node.PortAsync();
        var log = new List<string>();
        await using var probe = new InspectorRuntimeProbe(readTimeout: TimeSpan.FromSeconds(1), log: log.Add);
        var id = Identity(node.Pid);
        await FirstFiguresAsync(probe, id);

        Signal("STOP", node.Pid);
        RuntimeFigures? whileStopped, rightAfter;
        var clock = Stopwatch.StartNew();
        try
        {
            whileStopped = await probe.ReadAsync(id, CancellationToken.None);
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1.8));
            clock.Restart();
            // Backing off: the next read does not even ask.
            rightAfter = await probe.ReadAsync(id, CancellationToken.None);
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromMilliseconds(100));
        }
        finally
        {
            Signal("CONT", node.Pid);
        }

        whileStopped.ShouldBeNull();
        rightAfter.ShouldBeNull();
        log.ShouldHaveSingleItem().ShouldContain($"did not answer Runtime.evaluate within 1 s");
        (await FirstFiguresAsync(probe, id)).HeapUsed.ShouldBeGreaterThan(0);
        CountOf(node.Stderr, "Debugger attached.").ShouldBe(1, node.Stderr);
    }

    [Fact]
    public async Task ReadAsync_NotNode_NoFiguresNoSignalAndNoRetry()
    {
        using var sleep = Process.Start("sleep", "60")!;
        try
        {
            var log = new List<string>();
            await using var probe = new InspectorRuntimeProbe(log: log.Add);
            var id = Identity(sleep.Id);

            (await probe.ReadAsync(id, CancellationToken.None)).ShouldBeNull();
            (await probe.ReadAsync(id, CancellationToken.None)).ShouldBeNull();

            log.ShouldHaveSingleItem().ShouldStartWith($"pid {sleep.Id}: no runtime figures: pid {sleep.Id} (sleep) is not a Node.js process");
            // SIGUSR1 would have killed it.
            sleep.HasExited.ShouldBeFalse();
        }
        finally
        {
            sleep.Kill();
            sleep.WaitForExit();
        }
    }

    [Fact]
    public async Task ReadAsync_InspectorConfiguredBeyondLoopback_NoFiguresNoSignalAndNoRetry()
    {
        using var node = NodeProgram.Inline("console.log('ready'); setInterval(() => {}, 1000);", flags: ["--inspect-port=0.0.0.0:0"]);
        await node.ReadyAsync();
        var log = new List<string>();
        await using var probe = new InspectorRuntimeProbe(log: log.Add);
        var id = Identity(node.Pid);

        (await probe.ReadAsync(id, CancellationToken.None)).ShouldBeNull();
        await Task.Delay(300);
        (await probe.ReadAsync(id, CancellationToken.None)).ShouldBeNull();

        log.ShouldHaveSingleItem().ShouldStartWith($"pid {node.Pid}: no runtime figures: refusing to open the inspector of pid {node.Pid}");
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    private static ProcessIdentity Identity(int pid) => ProcessReader.TryRead(pid).ShouldNotBeNull().Identity;

    /// <summary>Reads until figures come: the first read may return none while the session is still opening.</summary>
    private static async Task<RuntimeFigures> FirstFiguresAsync(InspectorRuntimeProbe probe, ProcessIdentity id)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (await probe.ReadAsync(id, CancellationToken.None) is { } f) return f;
            deadline.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(15), "no runtime figures");
            await Task.Delay(250);
        }
    }

    private static int CountOf(string text, string part)
    {
        int n = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) n++;
        return n;
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString()])!;
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0);
    }
}
