using Heapdog.Snapshot;
using Heapdog.Snapshot.Paths;

namespace Heapdog.Leaks;

// Step 1: the leaked set, grouped by accumulation point.
public sealed partial class LeakDetector
{
    /// <summary>New objects held at one accumulation point, and what they are.</summary>
    private sealed class Group
    {
        /// <summary>The first object on the path that existed in the first snapshot (looked through storage), or a GC root.</summary>
        public int AccumulationPoint;
        /// <summary>The node just below the point on the path: the collection's storage, or the first new object.</summary>
        public int BelowPoint;
        /// <summary>The property that leads from the point down (<c>[]</c> for elements and collection entries).</summary>
        public string EdgeLabel = "";
        /// <summary>For groups held only by GC roots: the class of the first new object on the path; -1 otherwise.</summary>
        public int RootHeldClass = -1;
        public long NewObjects, NewBytes;
        /// <summary>Depth (from the root) of the deepest member.</summary>
        public int MaxDepth;
        /// <summary>Members that are closure contexts.</summary>
        public long ContextCount;
        /// <summary>Per class index: members and their shallow bytes.</summary>
        public readonly Dictionary<int, (long Count, long Bytes)> Classes = [];
        /// <summary>Per source location: member closures created there.</summary>
        public readonly Dictionary<SourceLocation, long> ClosureLocations = [];
        /// <summary>Per source location of member closures: the name of the first one met.</summary>
        public readonly Dictionary<SourceLocation, int> ClosureNames = [];
        /// <summary>Per allocation trace node id: members allocated there (count, bytes); null without a trace.</summary>
        public Dictionary<int, (long Count, long Bytes)>? Allocations;
        /// <summary>The shallowest member (the first one met at that depth), or -1.</summary>
        public int Shallowest = -1;

        /// <summary>Matched by paths: entries and retained bytes of the collections at the point's path, per snapshot; null with ids.</summary>
        public long[]? PathCounts, PathBytes;

        /// <summary>
        /// Set when the point is an application owner (<c>LeakDetector.Owners.cs</c>): per class index, the objects
        /// not in the first snapshot that it holds, and their shallow bytes. Null for other groups.
        /// </summary>
        public Dictionary<int, (long Count, long Bytes)>? Held;

        public bool IsRootHeld => RootHeldClass >= 0;
    }

    private sealed partial class Detection
    {
        /// <summary>Per class index: its shallowest new object (first in node order at that depth), or -1.</summary>
        private readonly int[] _shallowestNewOfClass;
        /// <summary>Per depth: the first new object (in node order) at that depth, or -1; grown as depths are met.</summary>
        private int[] _firstNewAtDepth = [];

        /// <summary>
        /// memlab's leaked set: new since the first snapshot, alive in the one before the last (with three or more),
        /// reachable, with a size, and neither an internal node (synthetic, hidden, code, shape) nor an embedder node.
        /// </summary>
        private bool IsNew(int v)
        {
            if (_existedInFirst[v] || Unstable(v) || _paths.Depth(v) == ShortestPaths.Unreachable || _snapshot.SelfSizes[v] == 0) return false;
            int t = _snapshot.NodeTypes[v];
            if (t == _types.Synthetic || t == _types.Hidden || t == _types.Code || t == _types.ObjectShape) return false;
            return _beforeLast is null || _beforeLast.Contains(_snapshot.NodeIds[v]);
        }

        /// <summary>Embedder (Node) nodes have even ids that change from one snapshot to the next: never "new" or "old".</summary>
        private bool Unstable(int v) => (_snapshot.NodeIds[v] & 1) == 0;

        /// <summary>Storage that V8 swaps as a collection grows (elements, hash tables, property arrays): look through it.</summary>
        private bool IsStorage(int v) => _snapshot.NodeTypes[v] == _types.Array || _snapshot.NodeTypes[v] == _types.Hidden;

        /// <summary>Not an object of the first snapshot (or one whose id says nothing): the walk up goes on through it.</summary>
        private bool IsNewOrUnstable(int v) => !_existedInFirst[v] || Unstable(v);

        /// <summary>
        /// One pass over the graph: each new object joins the group of the first new object above it that has one,
        /// or founds the group of its accumulation point. The per-class and per-depth indexes are filled on the way.
        /// </summary>
        private List<Group> BuildGroups()
        {
            int nodeCount = _snapshot.NodeCount;
            var groupOf = new int[nodeCount];
            Array.Fill(groupOf, -1);
            var groups = new List<Group>();
            var groupByKey = new Dictionary<(int Point, string Label, int RootHeldClass), int>();
            var chain = new List<int>();
            for (int v = 0; v < nodeCount; v++)
            {
                if ((v & 0xFFFF) == 0) _cancellation.ThrowIfCancellationRequested();
                if (!IsNew(v)) continue;
                IndexNew(v);
                int g = groupOf[v];
                if (g < 0)
                {
                    // Walk up through new objects, remembering them, until an old object or a new one already grouped.
                    chain.Clear();
                    int u = v;
                    while (IsNewOrUnstable(u) && groupOf[u] < 0 && _paths.ParentOf(u) >= 0)
                    {
                        chain.Add(u);
                        u = _paths.ParentOf(u);
                    }
                    if (IsNewOrUnstable(u) && groupOf[u] >= 0) g = groupOf[u];
                    else
                    {
                        int below = chain.Count > 0 ? chain[^1] : v;
                        int point = u;
                        while (IsStorage(point) && _paths.ParentOf(point) >= 0 && point != _snapshot.RootOrdinal)
                        {
                            below = point;
                            point = _paths.ParentOf(point);
                        }
                        bool rootHeld = _snapshot.NodeTypes[point] == _types.Synthetic;
                        string label = EdgeLabel(point, _paths.ParentEdgeOf(below));
                        int entry = v;
                        foreach (int c in chain) if (!Unstable(c)) entry = c;
                        int rootHeldClass = rootHeld ? _analysis.ClassOf[entry] : -1;
                        var key = (point, label, rootHeldClass);
                        if (!groupByKey.TryGetValue(key, out g))
                        {
                            g = groups.Count;
                            groupByKey[key] = g;
                            groups.Add(new Group { AccumulationPoint = point, BelowPoint = below, EdgeLabel = label, RootHeldClass = rootHeldClass });
                        }
                    }
                    foreach (int c in chain) groupOf[c] = g;
                }
                AddMember(groups[g], v);
            }
            return groups;
        }

        /// <summary>Records new object <paramref name="v"/> (met in node order) in the per-class and per-depth indexes.</summary>
        private void IndexNew(int v)
        {
            int depth = _paths.Depth(v);
            int cls = _analysis.ClassOf[v];
            int shallowest = _shallowestNewOfClass[cls];
            if (shallowest < 0 || depth < _paths.Depth(shallowest)) _shallowestNewOfClass[cls] = v;
            if (depth >= _firstNewAtDepth.Length)
            {
                int old = _firstNewAtDepth.Length;
                Array.Resize(ref _firstNewAtDepth, Math.Max(depth + 1, old * 2));
                Array.Fill(_firstNewAtDepth, -1, old, _firstNewAtDepth.Length - old);
            }
            if (_firstNewAtDepth[depth] < 0) _firstNewAtDepth[depth] = v;
            CountClassAllocation(cls, v);
        }

        /// <summary>
        /// Collections whose entry count grew in every interval but hold no object that survived two snapshots (a
        /// queue whose entries are all replaced, say) are accumulation points too; their members are counted as they are.
        /// </summary>
        private void AddGrowingCollections(List<Group> groups)
        {
            var points = new HashSet<int>(groups.Select(g => g.AccumulationPoint));
            foreach (var record in _detector._censuses[^1].Records)
            {
                var (entries, _, _) = CollectionSeries(record.Id);
                if (!SeverityRule.GrewEveryInterval(entries) || entries[^1] - entries[0] < LeakThresholds.MinGroupObjects) continue;
                int v = _analysis.FindById(record.Id);
                if (v < 0 || points.Contains(v) || _paths.Depth(v) == ShortestPaths.Unreachable) continue;
                var group = new Group { AccumulationPoint = v, BelowPoint = v, EdgeLabel = "[]" };
                _collectionShapes.Entries(v, record.Type, e => AddMember(group, _snapshot.EdgeTargets[e]));
                groups.Add(group);
            }
        }

        private void AddMember(Group group, int v)
        {
            uint size = _snapshot.SelfSizes[v];
            group.NewObjects++;
            group.NewBytes += size;
            int cls = _analysis.ClassOf[v];
            group.Classes[cls] = group.Classes.TryGetValue(cls, out var c) ? (c.Count + 1, c.Bytes + size) : (1, size);
            int depth = _paths.Depth(v);
            if (depth > group.MaxDepth) group.MaxDepth = depth;
            if (group.Shallowest < 0 || _paths.Depth(group.Shallowest) > depth) group.Shallowest = v;
            if (cls == _contextClass) group.ContextCount++;
            if (_snapshot.NodeTypes[v] == _types.Closure && _snapshot.Locations.TryGet(v, out var location))
            {
                group.ClosureLocations[location] = group.ClosureLocations.GetValueOrDefault(location) + 1;
                group.ClosureNames.TryAdd(location, _snapshot.NodeNames[v]);
            }
            CountAllocation(ref group.Allocations, v);
        }

        /// <summary>
        /// The label of the edge below a point: its property name, or <c>[]</c> for elements, numbered slots and
        /// anything below a collection (whose entries are all one kind of thing).
        /// </summary>
        private string EdgeLabel(int point, int edge)
        {
            if (edge < 0) return "";
            if (!_snapshot.EdgeHasStringName(edge) || (point >= 0 && _collectionShapes.TypeOf(point) is not null)) return "[]";
            string name = _snapshot.EdgeName(edge);
            return name.Length > 0 && name.All(char.IsAsciiDigit) ? "[]" : name;
        }
    }
}
