using Heapdog.Processes;

namespace Heapdog.Monitoring.Actions;

/// <summary>Takes a heap snapshot of a process into a directory (through the inspector). Implementations must never
/// leave a partial file under the returned name: write to a temporary name and rename when complete.</summary>
public interface ISnapshotCapturer
{
    /// <summary>The finished snapshot file and its size, or throws when the snapshot could not be taken.</summary>
    Task<(string Path, long Bytes)> CaptureAsync(ProcessIdentity process, string directory, CancellationToken ct);
}
