using Heapdog.Snapshot.Analysis;

namespace Heapdog.Snapshot.Comparison;

/// <summary>
/// What comparisons need from one analysed snapshot, small enough to keep several at once while each full graph is
/// released: per node, sorted by id, its id, class, shallow size, retained size (saturated at 4 GiB) and a
/// signature of its type and raw name (to tell whether two snapshots come from one process). 20 bytes per node.
/// </summary>
public sealed class SnapshotDigest
{
    public required string Source { get; init; }
    public required int NodeCount { get; init; }
    public required long TotalSize { get; init; }
    /// <summary>Node ids, ascending.</summary>
    public required uint[] Ids { get; init; }
    /// <summary>Per id: index into <see cref="Classes"/>.</summary>
    public required int[] ClassOf { get; init; }
    public required uint[] ShallowSizes { get; init; }
    public required uint[] RetainedSizes { get; init; }
    /// <summary>Per id: a hash of the node's type and raw name; one object keeps both for life.</summary>
    public required uint[] Signatures { get; init; }
    public required ClassSummary[] Classes { get; init; }
    /// <summary>Largest odd (JavaScript heap) id: V8 hands out ids in increasing order within a process.</summary>
    public required uint MaxHeapId { get; init; }

    /// <summary>Index of <paramref name="id"/> in <see cref="Ids"/>, or -1.</summary>
    public int IndexOf(uint id)
    {
        int i = Array.BinarySearch(Ids, id);
        return i < 0 ? -1 : i;
    }

    public bool Contains(uint id) => Array.BinarySearch(Ids, id) >= 0;

    public static SnapshotDigest Create(SnapshotAnalysis analysis, string source)
    {
        var s = analysis.Snapshot;
        int n = s.NodeCount;
        var ids = new uint[n];
        var order = new int[n];
        for (int v = 0; v < n; v++) { ids[v] = s.NodeIds[v]; order[v] = v; }
        Array.Sort(ids, order);

        var nameHash = new uint[s.Strings.Count];
        var hashed = new bool[s.Strings.Count];
        var classOf = new int[n];
        var shallow = new uint[n];
        var retained = new uint[n];
        var signatures = new uint[n];
        uint maxHeapId = 0;
        for (int i = 0; i < n; i++)
        {
            int v = order[i];
            classOf[i] = analysis.ClassOf[v];
            shallow[i] = s.SelfSizes[v];
            long r = analysis.RetainedSizes[v];
            retained[i] = r > uint.MaxValue ? uint.MaxValue : (uint)r;
            int name = s.NodeNames[v];
            if (!hashed[name])
            {
                nameHash[name] = Fnv1a(s.Strings.Utf8(name));
                hashed[name] = true;
            }
            signatures[i] = nameHash[name] * 31 + s.NodeTypes[v];
            if ((ids[i] & 1) == 1) maxHeapId = ids[i];
        }
        var classes = new ClassSummary[analysis.Classes.Count];
        for (int c = 0; c < classes.Length; c++)
        {
            var k = analysis.Classes[c];
            classes[c] = new ClassSummary(k.Key, k.Name, k.Location, k.Count, k.ShallowSize, k.RetainedSize);
        }
        return new SnapshotDigest
        {
            Source = source,
            NodeCount = n,
            TotalSize = analysis.TotalSize,
            Ids = ids,
            ClassOf = classOf,
            ShallowSizes = shallow,
            RetainedSizes = retained,
            Signatures = signatures,
            Classes = classes,
            MaxHeapId = maxHeapId,
        };
    }

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes) hash = (hash ^ b) * 16777619;
        return hash;
    }
}
