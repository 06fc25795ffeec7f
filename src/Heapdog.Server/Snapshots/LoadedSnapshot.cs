using Heapdog.Monitoring.Store;
using Heapdog.Server.Actions;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Server.Metrics;
using Heapdog.Server.Processes;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;

namespace Heapdog.Server.Snapshots;

/// <summary>An analysed snapshot held in memory, with its comparison digest made on first use.</summary>
public sealed class LoadedSnapshot(StoredSnapshot record, SnapshotAnalysis analysis)
{
    private readonly Lazy<SnapshotDigest> _digest = new(() => SnapshotDigest.Create(analysis, record.File));

    public StoredSnapshot Record { get; } = record;
    public SnapshotAnalysis Analysis { get; } = analysis;
    public SnapshotDigest Digest => _digest.Value;
}
