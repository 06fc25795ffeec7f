using System.Diagnostics;
using Heapdog.Processes;

namespace Heapdog.Inspector.Tests;

/// <summary>
/// A target stopped (SIGSTOP) in the middle of its snapshot: the capture gives up after its stall timeout, keeps no
/// file, and the dead man's switch closes the inspector once the target resumes.
/// </summary>
public sealed class SnapshotStallTests
{
    [Fact]
    public async Task CaptureAsync_TargetStoppedMidStream_TimesOutAndSwitchClosesInspectorAfterResume()
    {
        using var node = new NodeProgram("server.js", args: ["300000"], flags: ["--inspect-port=0"]);
        int httpPort = await node.PortAsync();
        using var dir = new TempDirectory();
        var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });
        bool stopped = false;
        var stall = TimeSpan.FromSeconds(3);
        InspectorException error;
        var clock = new Stopwatch();
        try
        {
            var progress = new SyncProgress(p =>
            {
                if (stopped || p.Phase != SnapshotPhase.Writing) return;
                stopped = true;
                Signal("STOP", node.Pid);
                clock.Start();
            });
            error = await Should.ThrowAsync<InspectorException>(() => HeapSnapshotCapture.CaptureAsync(process.Connection,
                dir.File("stalled.heapsnapshot"), collectGarbage: false, overwrite: false, progress, stallTimeout: stall)
                .WaitAsync(TimeSpan.FromMinutes(2)));
            clock.Stop();
            await process.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Signal("CONT", node.Pid);
        }

        error.Kind.ShouldBe(InspectorErrorKind.Timeout);
        error.Message.ShouldBe($"pid {node.Pid} sent no snapshot data for 3 s (stopped or hung?); gave up, no snapshot was written");
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
        await DeadMansSwitchTests.WaitForInspectorClosedAsync(node.Pid, DeadMansSwitch.Limit + TimeSpan.FromSeconds(30), new HashSet<int> { httpPort });
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}")!;
        kill.WaitForExit();
        kill.ExitCode.ShouldBe(0);
    }

    private sealed class SyncProgress(Action<SnapshotProgress> report) : IProgress<SnapshotProgress>
    {
        public void Report(SnapshotProgress value) => report(value);
    }
}
