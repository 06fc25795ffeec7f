using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Paths;

namespace Heapdog.Leaks;

/// <summary>
/// The collections of one snapshot keyed by their property path from the GC roots, for snapshots whose ids do not line
/// up (<see cref="Heapdog.Snapshot.Comparison.SnapshotMatching.Paths"/>): a collection is "the same" in two snapshots
/// when the same path reaches it. The path is the shortest one, hashed edge by edge into 64 bits:
/// <list type="bullet">
/// <item>a property or variable by its name; elements, hidden edges and numbered slots as <c>[]</c> (indexes shift);</item>
/// <item>a closure's context is keyed by the closure's script alone, so a module-level variable is "<c>inflight</c> of
/// app.js" however the search reached the module's functions (through a timer in one snapshot, an export in another).</item>
/// </list>
/// Collections that share a path (one array per request under <c>requests[]</c>) are summed into one entry. Sorted by
/// key; per distinct path 28 bytes (key, entries, retained bytes, instances), plus while the graph is alive the
/// node ordinals of the instances (4 bytes per collection) when asked for.
/// </summary>
internal sealed class PathCensus
{
    private readonly ulong[] _keys;
    private readonly long[] _entries;
    private readonly long[] _retained;
    private readonly int[] _firstInstance;
    private readonly int[]? _instances;

    private PathCensus(ulong[] keys, long[] entries, long[] retained, int[] firstInstance, int[]? instances)
    {
        _keys = keys;
        _entries = entries;
        _retained = retained;
        _firstInstance = firstInstance;
        _instances = instances;
    }

    public int Count => _keys.Length;

    public ulong Key(int i) => _keys[i];

    /// <summary>Entries of the collections at path <paramref name="i"/>, summed.</summary>
    public long Entries(int i) => _entries[i];

    /// <summary>Retained bytes of the collections at path <paramref name="i"/>, summed.</summary>
    public long Retained(int i) => _retained[i];

    public int InstanceCount(int i) => _firstInstance[i + 1] - _firstInstance[i];

    /// <summary>Node ordinals of the collections at path <paramref name="i"/>, most entries first (kept only when asked for).</summary>
    public ReadOnlySpan<int> Instances(int i) =>
        _instances is null ? throw new InvalidOperationException("the census kept no instances") : _instances.AsSpan(_firstInstance[i], InstanceCount(i));

    public int IndexOf(ulong key) => Array.BinarySearch(_keys, key) is var i and >= 0 ? i : -1;

    /// <summary>The census of every reachable, non-empty collection; <paramref name="keepInstances"/> for the snapshot whose graph stays.</summary>
    public static PathCensus Create(SnapshotAnalysis analysis, ShortestPaths paths, CollectionShapes shapes, bool keepInstances, CancellationToken cancellation)
    {
        var s = analysis.Snapshot;
        var keys = new PathKeys(s, paths);
        var found = new List<(ulong Key, int Entries, int Node)>();
        for (int v = 0; v < s.NodeCount; v++)
        {
            if ((v & 0xFFFF) == 0) cancellation.ThrowIfCancellationRequested();
            if (shapes.TypeOf(v) is not { } type || paths.Depth(v) == ShortestPaths.Unreachable) continue;
            int entries = shapes.Entries(v, type);
            if (entries > 0) found.Add((keys.Of(v), entries, v));
        }
        // By path, and within a path most entries first: the first instance is the one a report shows.
        found.Sort((a, b) => a.Key != b.Key ? a.Key.CompareTo(b.Key) : b.Entries.CompareTo(a.Entries));
        int distinct = 0;
        for (int i = 0; i < found.Count; i++) if (i == 0 || found[i].Key != found[i - 1].Key) distinct++;
        var census = new PathCensus(new ulong[distinct], new long[distinct], new long[distinct], new int[distinct + 1],
            keepInstances ? new int[found.Count] : null);
        int d = -1;
        for (int i = 0; i < found.Count; i++)
        {
            var (key, entries, node) = found[i];
            if (i == 0 || key != found[i - 1].Key)
            {
                d++;
                census._keys[d] = key;
                census._firstInstance[d] = i;
            }
            census._entries[d] += entries;
            census._retained[d] += analysis.RetainedSizes[node];
            if (census._instances is { } instances) instances[i] = node;
        }
        census._firstInstance[distinct] = found.Count;
        return census;
    }

    /// <summary>
    /// Path keys computed on demand along the shortest paths and remembered per node (8 bytes per node while the census
    /// is built; 0 means not yet computed). Each node is keyed once, so keying every collection is linear in the graph.
    /// </summary>
    private sealed class PathKeys
    {
        private const ulong Seed = 0x6A09E667F3BCC908, Elements = 0x3C6EF372FE94F82B;
        private readonly HeapSnapshot _s;
        private readonly ShortestPaths _paths;
        private readonly ScriptNames _scripts;
        private readonly ulong[] _key;
        /// <summary>Per string index: its hash, 0 until needed.</summary>
        private readonly ulong[] _stringHash;
        private readonly int _closure, _element, _hidden, _internal, _context;
        private readonly List<int> _stack = [];

        public PathKeys(HeapSnapshot snapshot, ShortestPaths paths)
        {
            _s = snapshot;
            _paths = paths;
            _scripts = ScriptNames.Build(snapshot);
            _key = new ulong[snapshot.NodeCount];
            _stringHash = new ulong[snapshot.Strings.Count];
            _closure = snapshot.Meta.NodeType("closure");
            _element = snapshot.Meta.EdgeType("element");
            _hidden = snapshot.Meta.EdgeType("hidden");
            _internal = snapshot.Meta.EdgeType("internal");
            int context = -1;
            for (int i = 0; i < snapshot.Strings.Count && context < 0; i++)
                if (snapshot.Strings.Utf8(i).SequenceEqual("context"u8)) context = i;
            _context = context;
        }

        public ulong Of(int target)
        {
            int v = target;
            _stack.Clear();
            while (_key[v] == 0 && _paths.ParentOf(v) >= 0)
            {
                _stack.Add(v);
                v = _paths.ParentOf(v);
            }
            if (_key[v] == 0) _key[v] = Seed; // the root
            for (int i = _stack.Count - 1; i >= 0; i--)
            {
                int node = _stack[i];
                _key[node] = Step(_paths.ParentOf(node), _paths.ParentEdgeOf(node));
            }
            return _key[target];
        }

        /// <summary>The key of the node reached from <paramref name="parent"/> through <paramref name="edge"/>.</summary>
        private ulong Step(int parent, int edge)
        {
            int type = _s.EdgeTypes[edge];
            int name = _s.EdgeNames[edge];
            if (type == _internal && name == _context && _s.NodeTypes[parent] == _closure && _s.Locations.TryGet(parent, out var location)
                && _scripts.NameOf(location.ScriptId) is { } script)
                return Mix(Seed, Hash(script)) | 1;
            ulong label = type == _element || type == _hidden || IsNumber(name) ? Elements : Mix(StringHash(name), (ulong)type);
            return Mix(_key[parent], label) | 1; // never 0, which means "not computed"
        }

        private bool IsNumber(int name)
        {
            var b = _s.Strings.Utf8(name);
            if (b.Length == 0) return false;
            foreach (byte c in b) if (c < '0' || c > '9') return false;
            return true;
        }

        private ulong StringHash(int name)
        {
            ulong h = _stringHash[name];
            if (h == 0) _stringHash[name] = h = Fnv1a(_s.Strings.Utf8(name)) | 1;
            return h;
        }

        private static ulong Hash(string text) => Fnv1a(System.Text.Encoding.UTF8.GetBytes(text));

        // Hashes: wrapping is intended.
        private static ulong Mix(ulong a, ulong b)
        {
            ulong h = unchecked((a ^ (b + 0x9E3779B97F4A7C15 + (a << 6) + (a >> 2))) * 0xBF58476D1CE4E5B9);
            return h ^ (h >> 31);
        }

        private static ulong Fnv1a(ReadOnlySpan<byte> bytes)
        {
            ulong hash = 14695981039346656037;
            foreach (byte b in bytes) hash = unchecked((hash ^ b) * 1099511628211);
            return hash;
        }
    }
}
