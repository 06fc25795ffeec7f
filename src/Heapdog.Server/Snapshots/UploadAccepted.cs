using Heapdog.Server.Jobs;

namespace Heapdog.Server.Snapshots;

/// <summary>The 202 answer of an upload: the stored snapshot and the job analysing it.</summary>
public sealed record UploadAccepted(SnapshotView Snapshot, JobView Job);
