using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks;

/// <summary>
/// The collections of one snapshot with at least <see cref="LeakThresholds.MinCensusEntries"/> entries, sorted by id: 20 bytes each. Kept
/// after the snapshot's graph is released, so growth and removals can be followed across snapshots by id.
/// </summary>
public sealed class CollectionCensus
{
    private readonly uint[] _ids;
    private readonly CollectionRecord[] _records;

    private CollectionCensus(uint[] ids, CollectionRecord[] records)
    {
        _ids = ids;
        _records = records;
    }

    public int Count => _ids.Length;

    public IReadOnlyList<CollectionRecord> Records => _records;

    public bool TryGet(uint id, out CollectionRecord record)
    {
        int i = Array.BinarySearch(_ids, id);
        record = i >= 0 ? _records[i] : default;
        return i >= 0;
    }

    /// <param name="previous">The previous snapshot's digest, to count members that survived from it; null for the first.</param>
    public static CollectionCensus Create(SnapshotAnalysis analysis, SnapshotDigest? previous)
    {
        var s = analysis.Snapshot;
        var shapes = new CollectionShapes(s);
        var records = new List<CollectionRecord>();
        var targets = s.EdgeTargets;
        var ids = s.NodeIds;
        int members = 0, kept = 0;
        void Member(int e)
        {
            members++;
            if (previous is not null && previous.Contains(ids[targets[e]])) kept++;
        }
        Action<int> member = Member;
        for (int v = 0; v < s.NodeCount; v++)
        {
            if (shapes.TypeOf(v) is not { } type) continue;
            members = kept = 0;
            int entries = shapes.Entries(v, type, member);
            if (entries < LeakThresholds.MinCensusEntries) continue;
            records.Add(new CollectionRecord(ids[v], type, entries, previous is null ? -1 : kept, members));
        }
        records.Sort((a, b) => a.Id.CompareTo(b.Id));
        var sorted = records.ToArray();
        return new CollectionCensus(Array.ConvertAll(sorted, r => r.Id), sorted);
    }
}
