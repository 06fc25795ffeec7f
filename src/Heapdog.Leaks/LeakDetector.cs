using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;
using Heapdog.Snapshot.Paths;

namespace Heapdog.Leaks;

/// <summary>
/// Finds leak suspects in snapshots of one process taken in time order. Snapshots are added one at a time; of each
/// only its digest and collection census are kept, and the full graph of the last one only.
/// <para>
/// memlab's id algebra gives the leaked set: objects new since the first snapshot and alive in the last (and in the
/// one before, when there are three or more). Each is walked up its shortest retainer path to the first object that
/// already existed in the first snapshot: the accumulation point. Objects are grouped by accumulation point (and by
/// the class of the first new object when only GC roots hold them); points with the same path shape are merged. A
/// group is a suspect when its accumulation point grows across the snapshots (entries, or retained size); the
/// shape of the point and of its members names the kind. Classes that grow without such a point are reported too.
/// </para>
/// </summary>
public sealed class LeakDetector
{
    private const int MinGroupObjects = 10;
    private static readonly HashSet<string> HandleClasses = new(StringComparer.Ordinal)
    {
        "Socket", "TCP", "TLSSocket", "TLSWrap", "Pipe", "Timeout", "Immediate", "Server", "TCPWrap", "PipeWrap",
        "WriteWrap", "ShutdownWrap", "TCPConnectWrap", "FSReqCallback", "Node / TCPSocketWrap", "Node / TCPWrap", "Node / TLSWrap",
    };

    private readonly List<SnapshotDigest> _digests = [];
    private readonly List<CollectionCensus> _censuses = [];
    private SnapshotAnalysis? _last;

    public int Count => _digests.Count;

    /// <summary>Adds the next snapshot. Keep the graph (<paramref name="isLast"/>) only for the last one.</summary>
    public void Add(SnapshotAnalysis analysis, SnapshotDigest digest, bool isLast)
    {
        _censuses.Add(CollectionCensus.Create(analysis, _digests.Count > 0 ? _digests[^1] : null));
        _digests.Add(digest);
        _last = isLast ? analysis : null;
    }

    public LeakReport Detect(CancellationToken cancellation = default)
    {
        if (_digests.Count < 2 || _last is null) throw new InvalidOperationException("leak detection needs at least two snapshots, the last one with its graph");
        return new Run(this, cancellation).Execute();
    }

    /// <summary>One detection over the last snapshot's graph.</summary>
    private sealed class Run
    {
        private readonly LeakDetector _owner;
        private readonly CancellationToken _cancellation;
        private readonly SnapshotAnalysis _a;
        private readonly HeapSnapshot _s;
        private readonly ShortestPaths _paths;
        private readonly ScriptNames _scripts;
        private readonly CollectionShapes _shapes;
        private readonly int _n;
        private readonly bool[] _old;
        private readonly int _synthetic, _hidden, _array, _code, _closure, _objectShape, _object, _native;
        private readonly int _contextClass = -1;
        private readonly Dictionary<string, long[]> _classCounts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long[]> _classBytes = new(StringComparer.Ordinal);

        public Run(LeakDetector owner, CancellationToken cancellation)
        {
            _owner = owner;
            _cancellation = cancellation;
            _a = owner._last!;
            _s = _a.Snapshot;
            _n = owner._digests.Count;
            _paths = ShortestPaths.Compute(_s, null, cancellation);
            _scripts = ScriptNames.Build(_s);
            _shapes = new CollectionShapes(_s);
            var meta = _s.Meta;
            _synthetic = meta.NodeType("synthetic");
            _hidden = meta.NodeType("hidden");
            _array = meta.NodeType("array");
            _code = meta.NodeType("code");
            _closure = meta.NodeType("closure");
            _objectShape = meta.NodeType("object shape");
            _object = meta.NodeType("object");
            _native = meta.NodeType("native");
            for (int c = 0; c < _a.Classes.Count; c++)
                if (_a.Classes[c].Name == "system / Context") _contextClass = c;
            var first = owner._digests[0];
            _old = new bool[_s.NodeCount];
            for (int v = 0; v < _old.Length; v++) _old[v] = first.Contains(_s.NodeIds[v]);
            for (int k = 0; k < _n; k++)
            {
                foreach (var c in owner._digests[k].Classes)
                {
                    if (!_classCounts.TryGetValue(c.Key, out var counts))
                    {
                        _classCounts[c.Key] = counts = new long[_n];
                        _classBytes[c.Key] = new long[_n];
                    }
                    counts[k] += c.Count;
                    _classBytes[c.Key][k] += c.ShallowSize;
                }
            }
        }

        private sealed class Group
        {
            public int Point;
            public int Below;
            public string Label = "";
            public int EntryClass = -1;
            public long Objects, Bytes;
            public int MaxDepth;
            public long Contexts;
            public readonly Dictionary<int, (long Count, long Bytes)> Classes = [];
            public readonly Dictionary<SourceLocation, long> Closures = [];
            public int Representative = -1;
        }

        public LeakReport Execute()
        {
            var groups = BuildGroups();
            AddGrowingCollections(groups);
            var candidates = new List<(Suspect Suspect, string Signature, Group Group)>();
            foreach (var g in groups)
            {
                _cancellation.ThrowIfCancellationRequested();
                if (g.Objects < MinGroupObjects) continue;
                if (Evaluate(g) is { } suspect) candidates.Add((suspect, Signature(g), g));
            }
            var suspects = MergeSimilar(candidates, out var explained);
            var points = suspects.Where(x => x.AccumulationPoint is not null).Select(x => x.AccumulationPoint!.Id).ToHashSet();
            suspects.AddRange(GrowingClasses(explained, points));
            suspects.Sort((x, y) => y.Severity != x.Severity ? y.Severity.CompareTo(x.Severity)
                : y.ByteGrowthPerSnapshot != x.ByteGrowthPerSnapshot ? y.ByteGrowthPerSnapshot.CompareTo(x.ByteGrowthPerSnapshot)
                : y.NewObjects.CompareTo(x.NewObjects));
            long newObjects = 0, newBytes = 0;
            foreach (var g in groups) { newObjects += g.Objects; newBytes += g.Bytes; }
            var infos = _owner._digests.Select(d => new SnapshotInfo(d.Source, d.NodeCount, d.TotalSize)).ToList();
            return new LeakReport(infos, suspects, newObjects, newBytes);
        }

        // ---- grouping -------------------------------------------------------------------------------------------

        private bool Leaked(int v, SnapshotDigest? previous)
        {
            if (_old[v] || Unstable(v) || _paths.Depth(v) == ShortestPaths.Unreachable || _s.SelfSizes[v] == 0) return false;
            int t = _s.NodeTypes[v];
            if (t == _synthetic || t == _hidden || t == _code || t == _objectShape) return false;
            return previous is null || previous.Contains(_s.NodeIds[v]);
        }

        /// <summary>Embedder (Node) nodes have even ids that change from one snapshot to the next: never "new" or "old".</summary>
        private bool Unstable(int v) => (_s.NodeIds[v] & 1) == 0;

        /// <summary>Storage that V8 swaps as a collection grows (elements, hash tables, property arrays): look through it.</summary>
        private bool IsStorage(int v) => _s.NodeTypes[v] == _array || _s.NodeTypes[v] == _hidden;

        private List<Group> BuildGroups()
        {
            var previous = _n >= 3 ? _owner._digests[_n - 2] : null;
            int count = _s.NodeCount;
            var groupOf = new int[count];
            Array.Fill(groupOf, -1);
            var groups = new List<Group>();
            var index = new Dictionary<(int, string, int), int>();
            var chain = new List<int>();
            for (int v = 0; v < count; v++)
            {
                if ((v & 0xFFFF) == 0) _cancellation.ThrowIfCancellationRequested();
                if (!Leaked(v, previous)) continue;
                int g = groupOf[v];
                if (g < 0)
                {
                    // Walk up through new objects, remembering them, until an old object or a new one already grouped.
                    chain.Clear();
                    int u = v;
                    while ((!_old[u] || Unstable(u)) && groupOf[u] < 0 && _paths.ParentOf(u) >= 0)
                    {
                        chain.Add(u);
                        u = _paths.ParentOf(u);
                    }
                    if ((!_old[u] || Unstable(u)) && groupOf[u] >= 0) g = groupOf[u];
                    else
                    {
                        int below = chain.Count > 0 ? chain[^1] : v;
                        int point = u;
                        while (IsStorage(point) && _paths.ParentOf(point) >= 0 && point != _s.RootOrdinal)
                        {
                            below = point;
                            point = _paths.ParentOf(point);
                        }
                        bool rootHeld = _s.NodeTypes[point] == _synthetic;
                        string label = Label(point, _paths.ParentEdgeOf(below));
                        int entry = v;
                        foreach (int c in chain) if (!Unstable(c)) entry = c;
                        int entryClass = rootHeld ? _a.ClassOf[entry] : -1;
                        var key = (point, label, entryClass);
                        if (!index.TryGetValue(key, out g))
                        {
                            g = groups.Count;
                            index[key] = g;
                            groups.Add(new Group { Point = point, Below = below, Label = label, EntryClass = entryClass });
                        }
                    }
                    foreach (int c in chain) groupOf[c] = g;
                }
                Count(groups[g], v);
            }
            return groups;
        }

        /// <summary>
        /// Collections whose entry count grew in every interval but hold no object that survived two snapshots (a
        /// queue whose entries are all replaced, say) are accumulation points too; their members are counted as they are.
        /// </summary>
        private void AddGrowingCollections(List<Group> groups)
        {
            var points = new HashSet<int>(groups.Select(g => g.Point));
            foreach (var record in _owner._censuses[^1].Records)
            {
                var (entries, _, _) = CollectionSeries(record.Id);
                if (!SeverityRule.GrewEveryInterval(entries) || entries[^1] - entries[0] < MinGroupObjects) continue;
                int v = _a.FindById(record.Id);
                if (v < 0 || points.Contains(v) || _paths.Depth(v) == ShortestPaths.Unreachable) continue;
                var g = new Group { Point = v, Below = v, Label = "[]" };
                _shapes.Entries(v, record.Type, e => Count(g, _s.EdgeTargets[e]));
                groups.Add(g);
            }
        }

        private void Count(Group g, int v)
        {
            uint size = _s.SelfSizes[v];
            g.Objects++;
            g.Bytes += size;
            int cls = _a.ClassOf[v];
            g.Classes[cls] = g.Classes.TryGetValue(cls, out var c) ? (c.Count + 1, c.Bytes + size) : (1, size);
            int depth = _paths.Depth(v);
            if (depth > g.MaxDepth) { g.MaxDepth = depth; }
            if (g.Representative < 0 || _paths.Depth(g.Representative) > depth) g.Representative = v;
            if (cls == _contextClass) g.Contexts++;
            if (_s.NodeTypes[v] == _closure && _s.Locations.TryGet(v, out var location))
                g.Closures[location] = g.Closures.GetValueOrDefault(location) + 1;
        }

        private string Label(int point, int edge)
        {
            if (edge < 0) return "";
            if (!_s.EdgeHasStringName(edge) || (point >= 0 && _shapes.TypeOf(point) is not null)) return "[]";
            string name = _s.EdgeName(edge);
            return name.Length > 0 && name.All(char.IsAsciiDigit) ? "[]" : name;
        }

        private string Signature(Group g)
        {
            var parts = new List<string>();
            foreach (var step in _paths.PathTo(g.Point))
                parts.Add((step.Edge >= 0 ? Label(-1, step.Edge) : "") + ":" + _a.ClassOfNode(step.Node).Key);
            parts.Add(g.Label);
            parts.Add(g.EntryClass.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return string.Join('/', parts);
        }

        // ---- growth and kind ------------------------------------------------------------------------------------

        private long[] RetainedSeries(uint id)
        {
            var series = new long[_n];
            for (int k = 0; k < _n; k++)
            {
                var d = _owner._digests[k];
                int i = d.IndexOf(id);
                series[k] = i < 0 ? 0 : d.RetainedSizes[i];
            }
            return series;
        }

        private (long[] Entries, long[]? Removed, bool Known) CollectionSeries(uint id)
        {
            var entries = new long[_n];
            var removed = new long[_n];
            bool removalsKnown = true, known = false;
            for (int k = 0; k < _n; k++)
            {
                if (_owner._censuses[k].TryGet(id, out var r))
                {
                    known = true;
                    entries[k] = r.Entries;
                    if (k > 0)
                    {
                        if (_owner._censuses[k - 1].TryGet(id, out var before)) removed[k] = Math.Max(0, before.Members - r.KeptMembers);
                        else removalsKnown = false;
                    }
                }
                else if (k > 0) removalsKnown = false;
            }
            return (entries, removalsKnown ? removed : null, known);
        }

        private Suspect? Evaluate(Group g)
        {
            int point = g.Point;
            bool rootHeld = _s.NodeTypes[point] == _synthetic;
            long[]? counts;
            long[] bytes;
            long[]? removed = null;
            string unit = "entries";
            SuspectKind kind;
            var collectionType = rootHeld ? null : _shapes.TypeOf(point);
            string? eventName = null;
            int emitter = -1;

            if (rootHeld)
            {
                string key = _a.Classes[g.EntryClass].Key;
                counts = _classCounts.GetValueOrDefault(key) ?? new long[_n];
                bytes = _classBytes.GetValueOrDefault(key) ?? new long[_n];
                unit = "objects";
                kind = IsHandleGroup(g) ? SuspectKind.Handles : SuspectKind.Class;
            }
            else
            {
                bytes = RetainedSeries(_s.NodeIds[point]);
                counts = null;
                kind = SuspectKind.Object;
                if (collectionType is not null)
                {
                    var series = CollectionSeries(_s.NodeIds[point]);
                    counts = series.Entries;
                    removed = series.Removed;
                    kind = SuspectKind.Collection;
                }
                // _events.<event>: the listener array itself, or the _events object when the array is new.
                var (owner, ownerEdge) = NamedOwner(point);
                if (collectionType == CollectionType.Array && owner >= 0 && NamedOwner(owner) is var (emitterNode, eventsEdge) && EdgeNameIs(eventsEdge, "_events"))
                {
                    eventName = _s.EdgeName(ownerEdge);
                    emitter = emitterNode;
                }
                else if (owner >= 0 && EdgeNameIs(ownerEdge, "_events") && g.Label != "[]")
                {
                    eventName = g.Label;
                    emitter = owner;
                    var series = CollectionSeries(_s.NodeIds[g.Below]);
                    if (series.Known) counts = series.Entries;
                }
                if (eventName is not null)
                {
                    kind = SuspectKind.Listeners;
                    unit = "listeners";
                }
                else if (g.Contexts >= 100 && g.MaxDepth - _paths.Depth(point) >= 100)
                {
                    kind = SuspectKind.ClosureChain;
                    counts = null;
                }
                else if (collectionType is not null)
                {
                    if (removed is not null && removed.Skip(1).All(r => r > 0)) kind = SuspectKind.Backlog;
                    else if (collectionType == CollectionType.Array && IsMostlyPrimitive(g)) kind = SuspectKind.IdArray;
                }
            }

            var measure = counts ?? bytes;
            if (measure[^1] <= measure[0] || bytes[^1] < bytes[0]) return null;

            var severity = SeverityRule.Rate(kind, counts, bytes, _a.TotalSize);
            var location = LocationOf(g);
            var holderPath = _paths.PathTo(point);
            var retainerPath = ToLinks(holderPath);
            if (rootHeld && g.Representative >= 0) retainerPath = ToLinks(_paths.PathTo(g.Representative));
            string propertyPath = rootHeld ? RootHeldPath(g) : PropertyPath(point, g.Label);
            var point_ = rootHeld ? null : Ref(point);
            var classes = g.Classes.OrderByDescending(c => c.Value.Count).Take(5)
                .Select(c => new ClassShare(_a.Classes[c.Key].Name, c.Value.Count, c.Value.Bytes)).ToList();
            string title = Title(kind, g, point, propertyPath, eventName, emitter);
            var suspect = new Suspect
            {
                Kind = kind,
                Severity = severity,
                Title = title,
                Explanation = "",
                AccumulationPoint = point_,
                PropertyPath = propertyPath,
                CountUnit = unit,
                Counts = counts,
                Bytes = bytes,
                Removed = removed,
                NewObjects = g.Objects,
                NewBytes = g.Bytes,
                Classes = classes,
                RetainerPath = retainerPath,
                Location = location,
                MergedPoints = 0,
            };
            string? subject = rootHeld ? _a.Classes[g.EntryClass].Name : null;
            return suspect with { Explanation = Explanations.For(suspect, subject, eventName, emitter >= 0 ? Ref(emitter) : null, ChainVariable(g), g.MaxDepth - _paths.Depth(point)) };
        }

        private bool EdgeNameIs(int edge, string name) => edge >= 0 && _s.EdgeHasStringName(edge) && _s.EdgeName(edge) == name;

        private bool IsHandleGroup(Group g)
        {
            if (HandleClasses.Contains(_a.Classes[g.EntryClass].Name)) return true;
            long handles = 0;
            foreach (var (cls, c) in g.Classes)
                if (HandleClasses.Contains(_a.Classes[cls].Name)) handles += c.Count;
            return handles * 10 >= g.Objects;
        }

        private bool IsMostlyPrimitive(Group g)
        {
            long primitive = 0;
            foreach (var (cls, c) in g.Classes)
                if (_a.Classes[cls].Name is "(string)" or "(concatenated string)" or "(sliced string)" or "(number)" or "(heap number)" or "(bigint)")
                    primitive += c.Count;
            return primitive * 10 >= g.Objects * 9;
        }

        /// <summary>The context variable that links the chain: the most common context edge from a context to a new object.</summary>
        private string? ChainVariable(Group g)
        {
            if (g.Contexts < 100) return null;
            var names = new Dictionary<string, int>();
            int contextEdge = _s.Meta.EdgeType("context");
            int steps = 0;
            for (int v = g.Representative >= 0 ? DeepestOf(g) : -1; v >= 0 && v != g.Point && steps < 10_000; v = _paths.ParentOf(v), steps++)
            {
                int e = _paths.ParentEdgeOf(v);
                if (e >= 0 && _s.EdgeTypes[e] == contextEdge) names[_s.EdgeName(e)] = names.GetValueOrDefault(_s.EdgeName(e)) + 1;
            }
            return names.Count == 0 ? null : names.MaxBy(p => p.Value).Key;
        }

        private int DeepestOf(Group g)
        {
            // The deepest member is found again by depth; groups are few, so one scan per chain suspect is fine.
            int best = g.Representative;
            var previous = _n >= 3 ? _owner._digests[_n - 2] : null;
            for (int v = 0; v < _s.NodeCount; v++)
                if (_paths.Depth(v) == g.MaxDepth && Leaked(v, previous)) { best = v; break; }
            return best;
        }

        // ---- locations and names --------------------------------------------------------------------------------

        private CodeLocation? ToLocation(SourceLocation l)
        {
            string? script = _scripts.NameOf(l.ScriptId);
            return new CodeLocation(script ?? "", l.ScriptId, l.Line + 1, l.Column + 1);
        }

        private bool IsUserCode(SourceLocation l) => _scripts.NameOf(l.ScriptId) is { } name && !ScriptNames.IsRuntimeScript(name);

        /// <summary>
        /// The code involved: the most common application class (constructor) among the new objects, else the most
        /// common application closure, else the nearest object with application code on the path to the point.
        /// </summary>
        private CodeLocation? LocationOf(Group g)
        {
            SourceLocation? best = null;
            long bestCount = 0;
            foreach (var (cls, c) in g.Classes)
                if (_a.Classes[cls].Location is { } l && IsUserCode(l) && c.Count > bestCount) { best = l; bestCount = c.Count; }
            if (best is null)
                foreach (var (l, count) in g.Closures)
                    if (IsUserCode(l) && count > bestCount) { best = l; bestCount = count; }
            if (best is null && _s.NodeTypes[g.Point] != _synthetic)
            {
                int steps = 0;
                for (int v = g.Point; v >= 0 && v != _s.RootOrdinal && steps < 64; v = _paths.ParentOf(v), steps++)
                {
                    if (_a.ClassOfNode(v).Location is { } l && IsUserCode(l)) { best = l; break; }
                    if (_s.Locations.TryGet(v, out var own) && IsUserCode(own)) { best = own; break; }
                }
            }
            return best is { } found ? ToLocation(found) : null;
        }

        private ObjectRef Ref(int v) => new(_s.NodeIds[v], _a.ClassOfNode(v).Name, _s.NodeName(v), _s.NodeTypeName(v));

        private List<PathLink> ToLinks(List<PathStep> path)
        {
            var links = new List<PathLink>(path.Count);
            foreach (var step in path)
                links.Add(new PathLink(step.Edge >= 0 ? _s.EdgeName(step.Edge) : null, step.Edge >= 0 ? _s.Meta.EdgeTypeName(_s.EdgeTypes[step.Edge]) : null, Ref(step.Node)));
            return links;
        }

        /// <summary>
        /// The retainer that names <paramref name="v"/> best: a property, context variable or element of a JS object
        /// rather than a handle or an internal store, so that paths read as code (<c>JobQueue@1._events.error</c>).
        /// </summary>
        private (int Owner, int Edge) NamedOwner(int v)
        {
            var r = _a.Retainers;
            int bestOwner = -1, bestEdge = -1, bestRank = int.MaxValue;
            for (int i = r.First[v]; i < r.First[v + 1]; i++)
            {
                int owner = r.Nodes[i];
                if (owner == v) continue;
                int e = r.EdgeOf(_s, v, i);
                string type = _s.Meta.EdgeTypeName(_s.EdgeTypes[e]);
                int nodeType = _s.NodeTypes[owner];
                int rank = type switch { "property" => 0, "context" => 1, "element" => 2, "internal" => 4, _ => 9 };
                if (rank == 9 || nodeType == _synthetic) continue;
                if (IsStorage(owner)) rank += 3;
                if (_paths.Depth(owner) == ShortestPaths.Unreachable) rank += 10;
                if (rank < bestRank) { bestRank = rank; bestOwner = owner; bestEdge = e; }
            }
            return (bestOwner, bestEdge);
        }

        /// <summary><c>Holder@id.a.b</c>: from the nearest named object above the point, through property names.</summary>
        private string PropertyPath(int point, string label)
        {
            bool named = label.Length > 0 && label != "[]";
            if (named && _a.ClassOf[point] == _contextClass) return $"{Ref(point)}.{label}";
            var names = new List<string>();
            int v = point, head = -1;
            var seen = new HashSet<int> { v };
            for (int hops = 0; hops < 5; hops++)
            {
                var (owner, edge) = NamedOwner(v);
                if (owner < 0 || !seen.Add(owner)) break;
                if (!IsStorage(owner)) names.Add(EdgeText(edge));
                v = owner;
                if (IsNamedHolder(owner)) { head = owner; break; }
            }
            names.Reverse();
            string text = (head >= 0 ? Ref(head).ToString() : names.Count > 0 ? "" : Ref(point).ToString())
                + string.Concat(names.Select((n, i) => n.StartsWith('[') || (i == 0 && head < 0) ? n : "." + n));
            return named ? text + "." + label : text;
        }

        private string RootHeldPath(Group g)
        {
            var path = _paths.PathTo(g.Representative >= 0 ? g.Representative : g.Point);
            return string.Join(" → ", path.Skip(1).Take(4).Select(step => Ref(step.Node).ToString()));
        }

        private bool IsNamedHolder(int v)
        {
            int t = _s.NodeTypes[v];
            if (t == _synthetic) return true;
            if (t != _object && t != _closure && t != _native) return false;
            string cls = _a.ClassOfNode(v).Name;
            return cls is not ("Object" or "Array") && !cls.StartsWith('{') && !cls.StartsWith("system /", StringComparison.Ordinal)
                || cls == "system / Context";
        }

        private string EdgeText(int e)
        {
            if (e < 0) return "";
            string name = _s.EdgeName(e);
            return _s.EdgeHasStringName(e) ? name : $"[{name}]";
        }

        private string Title(SuspectKind kind, Group g, int point, string propertyPath, string? eventName, int emitter) => kind switch
        {
            SuspectKind.Listeners => $"'{eventName}' listeners on {Ref(emitter)}",
            SuspectKind.Handles or SuspectKind.Class => $"{_a.Classes[g.EntryClass].Name} objects held only by GC roots",
            SuspectKind.ClosureChain => $"closure chain from {propertyPath}",
            _ => propertyPath,
        };

        // ---- merging and classes --------------------------------------------------------------------------------

        private List<Suspect> MergeSimilar(List<(Suspect Suspect, string Signature, Group Group)> candidates, out Dictionary<int, long> explained)
        {
            explained = [];
            var result = new List<Suspect>();
            foreach (var same in candidates.GroupBy(c => c.Signature))
            {
                var items = same.OrderByDescending(c => c.Suspect.ByteGrowthPerSnapshot).ToList();
                var head = items[0].Suspect;
                if (items.Count > 1)
                {
                    long[] Sum(Func<Suspect, long[]?> pick) { var total = new long[_n]; foreach (var i in items) if (pick(i.Suspect) is { } s) for (int k = 0; k < _n; k++) total[k] += s[k]; return total; }
                    var counts = head.Counts is null ? null : Sum(s => s.Counts);
                    var bytes = Sum(s => s.Bytes);
                    head = head with
                    {
                        Counts = counts,
                        Bytes = bytes,
                        NewObjects = items.Sum(i => i.Suspect.NewObjects),
                        NewBytes = items.Sum(i => i.Suspect.NewBytes),
                        MergedPoints = items.Count - 1,
                        Severity = SeverityRule.Rate(head.Kind, counts, bytes, _a.TotalSize),
                    };
                }
                foreach (var i in items)
                    foreach (var (cls, c) in i.Group.Classes)
                        explained[cls] = explained.GetValueOrDefault(cls) + c.Count;
                result.Add(head);
            }
            return result;
        }

        /// <summary>
        /// Classes that grow without a suspect explaining them. A class whose newest instance is held through another
        /// suspect's accumulation point is that leak's consequence (the strings inside leaked events), not a leak of its own.
        /// </summary>
        private IEnumerable<Suspect> GrowingClasses(Dictionary<int, long> explained, HashSet<uint> accumulationPoints)
        {
            var previous = _n >= 3 ? _owner._digests[_n - 2] : null;
            for (int cls = 0; cls < _a.Classes.Count; cls++)
            {
                var c = _a.Classes[cls];
                if (c.Name.StartsWith('(') && c.Name is not ("(string)" or "(concatenated string)" or "(sliced string)" or "(array)") || c.Name.StartsWith("system /", StringComparison.Ordinal))
                    continue;
                var counts = _classCounts[c.Key];
                long growth = counts[^1] - counts[0];
                bool handle = HandleClasses.Contains(c.Name);
                if (!SeverityRule.GrewEveryInterval(counts) || growth < (handle ? SeverityRule.MediumHandleCount : SeverityRule.MediumCount)) continue;
                if (explained.GetValueOrDefault(cls) * 2 >= growth) continue;
                // A representative: the shallowest new instance.
                int representative = -1;
                for (int v = 0; v < _s.NodeCount; v++)
                    if (_a.ClassOf[v] == cls && Leaked(v, previous) && (representative < 0 || _paths.Depth(v) < _paths.Depth(representative))) representative = v;
                if (representative < 0) continue;
                var kind = handle ? SuspectKind.Handles : SuspectKind.Class;
                var bytes = _classBytes[c.Key];
                var path = _paths.PathTo(representative);
                if (path.Exists(step => accumulationPoints.Contains(_s.NodeIds[step.Node]))) continue;
                var holder = path.Count >= 2 ? path[^2].Node : representative;
                CodeLocation? location = c.Location is { } l && IsUserCode(l) ? ToLocation(l) : null;
                for (int i = path.Count - 1; location is null && i > 0; i--)
                {
                    if (_a.ClassOfNode(path[i].Node).Location is { } pl && IsUserCode(pl)) location = ToLocation(pl);
                    else if (_s.Locations.TryGet(path[i].Node, out var own) && IsUserCode(own)) location = ToLocation(own);
                }
                // Strings, numbers and internal arrays come and go with any work a service does: their counts say
                // little, so V8's own kinds are rated by bytes alone.
                bool primitive = c.Name.StartsWith('(');
                var suspect = new Suspect
                {
                    Kind = kind,
                    Severity = SeverityRule.Rate(kind, primitive ? null : counts, bytes, _a.TotalSize),
                    Title = $"{c.Name} instances",
                    Explanation = "",
                    AccumulationPoint = _s.NodeTypes[holder] == _synthetic ? null : Ref(holder),
                    PropertyPath = PropertyPath(representative, ""),
                    CountUnit = "objects",
                    Counts = counts,
                    Bytes = bytes,
                    Removed = null,
                    NewObjects = growth,
                    NewBytes = bytes[^1] - bytes[0],
                    Classes = [new ClassShare(c.Name, counts[^1], bytes[^1])],
                    RetainerPath = ToLinks(path),
                    Location = location,
                    MergedPoints = 0,
                };
                yield return suspect with { Explanation = Explanations.For(suspect, c.Name, null, null, null, 0) };
            }
        }
    }
}
