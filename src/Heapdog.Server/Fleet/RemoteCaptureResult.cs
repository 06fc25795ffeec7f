namespace Heapdog.Server.Fleet;

/// <summary>The result of a capture job on another host: the snapshot as the library keeps it, the host it came from,
/// its size and its SHA-256 (hex), checked on arrival against the agent's.</summary>
public sealed record RemoteCaptureResult(long SnapshotId, string Host, long Bytes, string Sha256);
