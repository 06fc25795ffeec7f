using Heapdog.Snapshot.Analysis;

namespace Heapdog.Workflows.Reports.Objects;

/// <summary>One object of a snapshot as every report shows it (docs/inspect.md): the same fields in the same order.</summary>
public sealed record HeapObject(uint Id, string ClassName, string Name, string Type, uint ShallowSize, long RetainedSize, int Distance)
{
    /// <summary>Names longer than this are cut in navigation reports (a string object's name is its whole text).</summary>
    public const int NameLimit = 200;

    public static HeapObject Of(SnapshotAnalysis a, int v, bool fullName = false)
    {
        var s = a.Snapshot;
        string name = s.NodeName(v);
        if (!fullName && name.Length > NameLimit) name = name[..NameLimit];
        return new(s.NodeIds[v], a.ClassOfNode(v).Name, name, s.NodeTypeName(v), a.ShallowSize(v), a.RetainedSizes[v], a.Distances[v]);
    }
}
