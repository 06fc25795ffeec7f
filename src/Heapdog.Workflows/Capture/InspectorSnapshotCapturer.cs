using Heapdog.Inspector;
using Heapdog.Monitoring.Actions;
using Heapdog.Processes;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Capture;

/// <summary>
/// Takes the snapshots that <c>watch</c>'s rules ask for, the way <c>heapdog snapshot</c> does (<see cref="SnapshotCapture"/>): attach (SIGUSR1 if
/// needed), refuse when the target lacks the headroom, stream to a temporary name, close the inspector if Heapdog
/// opened it. Quiet: progress would garble the watch view; failures reach the watcher as exceptions and are recorded.
/// With <c>--runtime</c> the snapshot goes through the runtime probe's session of the process, which already holds the
/// one-session-per-process lock.
/// </summary>
public sealed class InspectorSnapshotCapturer(InspectorRuntimeProbe? probe = null) : ISnapshotCapturer
{

    public async Task<(string Path, long Bytes)> CaptureAsync(ProcessIdentity process, string directory, CancellationToken ct)
    {
        PrivateDirectory.Create(directory);
        string path = Path.Combine(directory, $"heapdog-{process.Pid}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.heapsnapshot");
        if (probe is not null)
        {
            try
            {
                return await probe.WithSessionAsync(process, async target =>
                {
                    var taken = await TakeAsync(target, process, directory, path, ct);
                    // The session lives on for runtime reads; the profiler it enabled is not needed by them.
                    await target.Connection.SendAsync("HeapProfiler.disable", timeout: TimeSpan.FromSeconds(5), cancellationToken: ct);
                    return taken;
                }, ct);
            }
            catch (InspectorException ex) { throw ProcessAttach.Translate(ex); }
        }
        await using var attached = await ProcessAttach.AttachAsync(new AttachOptions { Pid = process.Pid }, WorkProgress.Quiet, ct);
        return await TakeAsync(attached, process, directory, path, ct);
    }

    private async Task<(string Path, long Bytes)> TakeAsync(InspectedProcess target, ProcessIdentity process, string directory, string path,
        CancellationToken ct)
    {
        await SnapshotCapture.CheckCostAsync(target, process.Pid, directory, force: false, WorkProgress.Quiet, ct);
        var result = await SnapshotCapture.TakeAsync(target, path, collectGarbage: true, overwrite: false, $"snapshot of pid {process.Pid}", WorkProgress.Quiet, ct);
        return (result.Path, result.Bytes);
    }
}
