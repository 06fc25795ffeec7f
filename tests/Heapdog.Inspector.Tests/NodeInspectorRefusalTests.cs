using System.Diagnostics;
using Heapdog.Processes;

namespace Heapdog.Inspector.Tests;

/// <summary>
/// Targets Heapdog must not open an inspector on: one configured to listen beyond loopback, one already listening there,
/// and a stopped one (a SIGUSR1 it takes on resuming would leave the inspector open with no one to close it).
/// </summary>
[Collection(InspectorPortCollection.Name)]
public sealed class NodeInspectorRefusalTests
{
    private const string Idle = "console.log('ready'); setInterval(() => {}, 1000);";

    [Fact]
    public async Task AttachAsync_InspectPortAnyAddressOnCommandLine_RefusesWithoutSignalling()
    {
        using var node = NodeProgram.Inline(Idle, flags: ["--inspect-port=0.0.0.0:0"]);
        await node.ReadyAsync();

        var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }));

        error.Kind.ShouldBe(InspectorErrorKind.NotLoopback);
        error.Message.ShouldBe($"refusing to open the inspector of pid {node.Pid}: it is configured to listen on 0.0.0.0:0 " +
            "(--inspect-port on the command line), which anyone on the network could use to run code in it; " +
            "start it with --inspect-port=127.0.0.1:PORT, or open the inspector yourself and pass --port");
        await Task.Delay(500);
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    [Fact]
    public async Task AttachAsync_InspectPortAnyIPv6InNodeOptions_RefusesNamingNodeOptions()
    {
        using var node = NodeProgram.Inline(Idle, environment: new Dictionary<string, string> { ["NODE_OPTIONS"] = "--inspect-port=[::]:0" });
        await node.ReadyAsync();

        var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }));

        error.Kind.ShouldBe(InspectorErrorKind.NotLoopback);
        error.Message.ShouldStartWith($"refusing to open the inspector of pid {node.Pid}: it is configured to listen on [::]:0 (--inspect-port in NODE_OPTIONS)");
        await Task.Delay(500);
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    [Fact]
    public async Task AttachAsync_InspectorAlreadyOpenOnAnyAddress_RefusesToUseIt()
    {
        using var node = NodeProgram.Inline(Idle, flags: ["--inspect=0.0.0.0:0"]);
        await node.ReadyAsync();
        var inspector = ListeningSockets.OfProcess(node.Pid).ShouldHaveSingleItem();

        var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }));

        error.Kind.ShouldBe(InspectorErrorKind.NotLoopback);
        error.Message.ShouldStartWith($"refusing to use the inspector of pid {node.Pid}: it listens on 0.0.0.0:{inspector.Port}, which anyone on the network");
        // Not Heapdog's to close: the owner opened it.
        ListeningSockets.OfProcess(node.Pid).ShouldBe([inspector]);
    }

    [Fact]
    public async Task AttachAsync_LoopbackHostOtherThanDefault_Attaches()
    {
        using var node = NodeProgram.Inline(Idle, flags: ["--inspect-port=127.0.0.2:0"]);
        await node.ReadyAsync();

        await using (var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
        {
            process.OpenedByHeapdog.ShouldBeTrue();
            process.Endpoint.Address.Address.ToString().ShouldBe("127.0.0.2");
        }

        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    [Fact]
    public async Task AttachAsync_StoppedProcess_RefusesAndNoInspectorOpensOnResume()
    {
        using var node = NodeProgram.Inline(Idle, flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        Signal("STOP", node.Pid);
        try
        {
            await WaitForStoppedAsync(node.Pid, true);
            var clock = Stopwatch.StartNew();

            var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }));

            error.Kind.ShouldBe(InspectorErrorKind.ProcessStopped);
            error.Message.ShouldBe($"pid {node.Pid} is stopped (SIGSTOP); resume it with kill -CONT {node.Pid} first");
            clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(3));
        }
        finally
        {
            Signal("CONT", node.Pid);
        }
        await WaitForStoppedAsync(node.Pid, false);
        await Task.Delay(1000);
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    [Fact]
    public void IsLoopbackAddress_Wildcards_False()
    {
        InspectorAddress.IsLoopbackAddress(System.Net.IPAddress.Any).ShouldBeFalse();
        InspectorAddress.IsLoopbackAddress(System.Net.IPAddress.IPv6Any).ShouldBeFalse();
        InspectorAddress.IsLoopbackAddress(System.Net.IPAddress.Loopback).ShouldBeTrue();
        InspectorAddress.IsLoopbackAddress(System.Net.IPAddress.IPv6Loopback).ShouldBeTrue();
    }

    internal static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}")!;
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0);
    }

    internal static async Task WaitForStoppedAsync(int pid, bool stopped)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (ProcessReader.TryReadStat(pid)?.IsStopped != stopped)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"pid {pid} did not become {(stopped ? "stopped" : "running")}");
            await Task.Delay(20);
        }
    }
}
