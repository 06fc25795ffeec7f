using Heapdog.Snapshot.Analysis;

namespace Heapdog.Workflows.Reports.Objects;

/// <summary>An edge as the navigation reports show it: its type and name.</summary>
public readonly record struct HeapEdge(string EdgeType, string Edge)
{
    public static HeapEdge Of(SnapshotAnalysis a, int e) =>
        new(a.Snapshot.Meta.EdgeTypeName(a.Snapshot.EdgeTypes[e]), a.Snapshot.EdgeName(e));
}
