using Heapdog.Snapshot;

namespace Heapdog.Leaks;

/// <summary>
/// Recognises collections in a V8 snapshot and counts their entries from the graph. A JS Array has one
/// <c>element</c> edge per object entry. A Map or Set keeps its entries in an OrderedHashMap/Set reached by the
/// <c>table</c> edge, one <c>internal</c> edge per key or value that is a heap object (small integers are not
/// nodes). An object used as a dictionary has one <c>property</c> edge per key.
/// </summary>
internal sealed class CollectionShapes
{
    private readonly HeapSnapshot _s;
    private readonly int _object, _element, _property, _internal;
    private readonly int _arrayName, _mapName, _setName, _table, _map, _proto;

    public CollectionShapes(HeapSnapshot snapshot)
    {
        _s = snapshot;
        _object = snapshot.Meta.NodeType("object");
        _element = snapshot.Meta.EdgeType("element");
        _property = snapshot.Meta.EdgeType("property");
        _internal = snapshot.Meta.EdgeType("internal");
        var strings = snapshot.Strings;
        _arrayName = _mapName = _setName = _table = _map = _proto = -1;
        for (int i = 0; i < strings.Count; i++)
        {
            var b = strings.Utf8(i);
            if (b.Length > 9) continue;
            if (b.SequenceEqual("Array"u8)) _arrayName = i;
            else if (b.SequenceEqual("Map"u8)) _mapName = i;
            else if (b.SequenceEqual("Set"u8)) _setName = i;
            else if (b.SequenceEqual("table"u8)) _table = i;
            else if (b.SequenceEqual("map"u8)) _map = i;
            else if (b.SequenceEqual("__proto__"u8)) _proto = i;
        }
    }

    /// <summary>The collection type of node <paramref name="v"/>, or null when it is not a collection.</summary>
    public CollectionType? TypeOf(int v)
    {
        if (_s.NodeTypes[v] != _object) return null;
        int name = _s.NodeNames[v];
        if (name == _arrayName) return CollectionType.Array;
        if (name == _mapName || name == _setName)
            return Table(v) >= 0 ? (name == _mapName ? CollectionType.Map : CollectionType.Set) : null;
        if (_s.FirstEdge[v + 1] - _s.FirstEdge[v] < LeakThresholds.DictionaryMinProperties) return null;
        int properties = 0;
        for (int e = _s.FirstEdge[v]; e < _s.FirstEdge[v + 1]; e++)
            if (_s.EdgeTypes[e] == _property && _s.EdgeNames[e] != _proto && ++properties >= LeakThresholds.DictionaryMinProperties) return CollectionType.Dictionary;
        return null;
    }

    private int Table(int v)
    {
        for (int e = _s.FirstEdge[v]; e < _s.FirstEdge[v + 1]; e++)
            if (_s.EdgeTypes[e] == _internal && _s.EdgeNames[e] == _table) return _s.EdgeTargets[e];
        return -1;
    }

    /// <summary>Calls <paramref name="member"/> with each edge that holds an entry (key or value); returns the entry count.</summary>
    public int Entries(int v, CollectionType type, Action<int>? member = null)
    {
        var s = _s;
        switch (type)
        {
            case CollectionType.Array:
            {
                int count = 0;
                for (int e = s.FirstEdge[v]; e < s.FirstEdge[v + 1]; e++)
                    if (s.EdgeTypes[e] == _element) { count++; member?.Invoke(e); }
                return count;
            }
            case CollectionType.Dictionary:
            {
                int count = 0;
                for (int e = s.FirstEdge[v]; e < s.FirstEdge[v + 1]; e++)
                    if (s.EdgeTypes[e] == _property && s.EdgeNames[e] != _proto) { count++; member?.Invoke(e); }
                return count;
            }
            default:
            {
                int table = Table(v);
                if (table < 0) return 0;
                // Slot numbers are the edge names. A Map entry is (key, value, chain) in three slots starting after
                // the buckets; their count is a power of two, so keys sit at slots ≡ 1 or ≡ 2 (mod 3), values right
                // after. Count entries as distinct slot triples; a Set entry is one slot.
                int used = 0;
                bool residue0 = false, residue1 = false;
                for (int e = s.FirstEdge[table]; e < s.FirstEdge[table + 1]; e++)
                {
                    if (s.EdgeTypes[e] != _internal || s.EdgeNames[e] == _map || !TrySlot(e, out int slot)) continue;
                    used++;
                    residue0 |= slot % 3 == 0;
                    residue1 |= slot % 3 == 1;
                    member?.Invoke(e);
                }
                if (type == CollectionType.Set || used == 0) return used;
                int keyResidue = residue0 ? 2 : residue1 ? 1 : -1;
                if (keyResidue < 0) return used;
                int entries = 0, last = int.MinValue;
                for (int e = s.FirstEdge[table]; e < s.FirstEdge[table + 1]; e++)
                {
                    if (s.EdgeTypes[e] != _internal || s.EdgeNames[e] == _map || !TrySlot(e, out int slot)) continue;
                    int entry = (slot - keyResidue) / 3;
                    if (entry != last) { entries++; last = entry; }
                }
                return entries;
            }
        }
    }

    private bool TrySlot(int edge, out int slot)
    {
        slot = 0;
        var b = _s.Strings.Utf8(_s.EdgeNames[edge]);
        if (b.Length == 0 || b.Length > 9) return false;
        foreach (byte c in b)
        {
            if (c < '0' || c > '9') return false;
            slot = slot * 10 + (c - '0');
        }
        return true;
    }
}
