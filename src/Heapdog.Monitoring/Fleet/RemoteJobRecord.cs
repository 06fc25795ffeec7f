namespace Heapdog.Monitoring.Fleet;

/// <summary>
/// A remote action (a snapshot, hunt or sampling run by a host's agent) as the server's store keeps it, so that a
/// server restarted mid-job takes it up again (docs/fleet.md, What survives a restart). <see cref="Request"/> is the
/// request the agent runs, as JSON (kind, pid, start time, options); <see cref="State"/> one of
/// <see cref="RemoteJobState"/>; <see cref="Attempts"/> how often an agent was handed it. A capture's upload:
/// <see cref="UploadOffset"/> bytes received and checked so far (in the server's partial file), then, once whole and
/// checked, the library file <see cref="UploadPath"/> of <see cref="UploadBytes"/> bytes with its <see cref="Sha256"/>,
/// registered as <see cref="SnapshotId"/>. <see cref="Result"/> is the ended job's report (JSON), <see cref="Error"/>
/// why it failed.
/// </summary>
public sealed record RemoteJobRecord(long Id, string Host, long? ProcessId, string Kind, int Pid, long StartTimeMs, string Request, string State,
    int Attempts, long CreatedMs, long? EndedMs = null, string? Error = null, string? Result = null, long UploadOffset = 0, string? UploadPath = null,
    long UploadBytes = 0, string? Sha256 = null, long? SnapshotId = null);
