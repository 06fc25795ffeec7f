using Heapdog.Monitoring.Store;

namespace Heapdog.Server.Snapshots;

/// <summary>A snapshot of the library as the API shows it (docs/api.md); <see cref="JobId"/> is its running analysis.</summary>
public sealed record SnapshotView(long Id, string Name, long Bytes, long CreatedMs, long? ProcessId, int? Pid, string Source, string State,
    string? Error, long? JobId, long? NodeCount, long? EdgeCount, long? TotalSize)
{
    public static SnapshotView Of(StoredSnapshot s, SnapshotLibrary library) => new(s.Id, s.Name, s.Bytes, s.CreatedMs, s.ProcessId, s.Pid,
        s.Source, s.State, s.Error, library.AnalysisJob(s.Id)?.Id, s.NodeCount, s.EdgeCount, s.TotalSize);
}
