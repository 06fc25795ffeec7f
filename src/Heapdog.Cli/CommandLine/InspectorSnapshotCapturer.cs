using Heapdog.Inspector;
using Heapdog.Monitoring.Actions;
using Heapdog.Processes;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// Takes the snapshots that <c>watch</c>'s rules ask for, the way <c>heapdog snapshot</c> does: attach (SIGUSR1 if
/// needed), refuse when the target lacks the headroom, stream to a temporary name, close the inspector if Heapdog
/// opened it. Quiet: progress would garble the watch view; failures reach the watcher as exceptions and are recorded.
/// </summary>
internal sealed class InspectorSnapshotCapturer : ISnapshotCapturer
{
    private readonly CliContext _quiet = new(TextWriter.Null, TextWriter.Null);

    public async Task<(string Path, long Bytes)> CaptureAsync(ProcessIdentity process, string directory, CancellationToken ct)
    {
        Directory.CreateDirectory(directory);
        var options = new AttachOptions { Pid = process.Pid };
        string path = Path.Combine(directory, $"heapdog-{process.Pid}-{DateTime.UtcNow:yyyyMMdd-HHmmss}.heapsnapshot");
        await using var target = await TargetOptions.AttachAsync(options, _quiet, ct);
        await SnapshotTaker.CheckCostAsync(target, process.Pid, directory, force: false, _quiet, ct);
        var result = await SnapshotTaker.TakeAsync(target, path, collectGarbage: true, overwrite: false, $"snapshot of pid {process.Pid}", _quiet, ct);
        return (result.Path, result.Bytes);
    }
}
