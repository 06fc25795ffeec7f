using Heapdog.Snapshot.Analysis;

namespace Heapdog.Snapshot.Comparison;

/// <summary>
/// What comparisons need from one analysed snapshot, small enough to keep several at once while each full graph is
/// released: per node, sorted by id, its id, class, shallow size, retained size (saturated at 4 GiB) and a
/// signature of its type and raw name (to tell whether two snapshots share one numbering of objects). 20 bytes per
/// node, plus the names of the application's scripts (to tell whether two snapshots are of one program).
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
    /// <summary>Names of the application's scripts, sorted: what tells one program from another when ids do not line up.</summary>
    public string[] ApplicationScripts { get; init; } = [];
    /// <summary>Largest odd (JavaScript heap) id: V8 hands out ids in increasing order within a process.</summary>
    public required uint MaxHeapId { get; init; }

    /// <summary>Index of <paramref name="id"/> in <see cref="Ids"/>, or -1.</summary>
    public int IndexOf(uint id)
    {
        int i = Array.BinarySearch(Ids, id);
        return i < 0 ? -1 : i;
    }

    /// <summary>Whether the snapshot has an object with this id: a bit test for heap (odd) ids, a search otherwise.</summary>
    public bool Contains(uint id)
    {
        var bits = _heapIds ??= BuildHeapIdBits();
        if ((id & 1) == 1 && bits.Length > 0)
        {
            uint slot = id >> 1;
            return (slot >> 6) < (uint)bits.Length && (bits[slot >> 6] & (1UL << (int)(slot & 63))) != 0;
        }
        return Array.BinarySearch(Ids, id) >= 0;
    }

    private ulong[]? _heapIds;

    /// <summary>One bit per possible odd id up to the largest (ids are dense: about two per object ever seen).</summary>
    private ulong[] BuildHeapIdBits()
    {
        long slots = (MaxHeapId >> 1) + 1;
        if (slots > 1L << 31) return [];
        var bits = new ulong[(slots + 63) >> 6];
        foreach (uint id in Ids)
            if ((id & 1) == 1) bits[id >> 7] |= 1UL << (int)((id >> 1) & 63);
        return bits;
    }

    public static SnapshotDigest Create(SnapshotAnalysis analysis, string source)
    {
        var s = analysis.Snapshot;
        int n = s.NodeCount;
        var (ids, order) = SortById(s.NodeIds);

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
            signatures[i] = unchecked(nameHash[name] * 31 + s.NodeTypes[v]); // a hash: wrapping is intended
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
            ApplicationScripts = ScriptNames.Build(s).ApplicationScripts(),
        };
    }

    /// <summary>Ids ascending with their ordinals: an LSD radix sort, two 16-bit passes, linear in the node count.</summary>
    private static (uint[] Ids, int[] Order) SortById(uint[] nodeIds)
    {
        int n = nodeIds.Length;
        var ids = new uint[n];
        var order = new int[n];
        var tmpIds = new uint[n];
        var tmpOrder = new int[n];
        var low = new int[65537];
        var high = new int[65537];
        foreach (uint id in nodeIds)
        {
            low[(id & 0xFFFF) + 1]++;
            high[(id >> 16) + 1]++;
        }
        for (int i = 0; i < 65536; i++) { low[i + 1] += low[i]; high[i + 1] += high[i]; }
        for (int v = 0; v < n; v++)
        {
            uint id = nodeIds[v];
            int slot = low[id & 0xFFFF]++;
            tmpIds[slot] = id;
            tmpOrder[slot] = v;
        }
        for (int i = 0; i < n; i++)
        {
            uint id = tmpIds[i];
            int slot = high[id >> 16]++;
            ids[slot] = id;
            order[slot] = tmpOrder[i];
        }
        return (ids, order);
    }

    private static uint Fnv1a(ReadOnlySpan<byte> bytes)
    {
        uint hash = 2166136261;
        foreach (byte b in bytes) hash = unchecked((hash ^ b) * 16777619);
        return hash;
    }
}
