using Heapdog.Monitoring.Store;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Server.Snapshots;

/// <summary>An analysed snapshot held in memory, with its comparison digest made on first use.</summary>
public sealed class LoadedSnapshot(StoredSnapshot record, SnapshotAnalysis analysis)
{
    private readonly Lazy<SnapshotDigest> _digest = new(() => SnapshotDigest.Create(analysis, record.File));

    public StoredSnapshot Record { get; } = record;
    public SnapshotAnalysis Analysis { get; } = analysis;
    public SnapshotDigest Digest => _digest.Value;
}
