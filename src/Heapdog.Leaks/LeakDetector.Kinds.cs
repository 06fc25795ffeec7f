using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks;

// Step 3: whether a group grows, and which kind of leak it is (docs/leaks.md lists how each kind is recognised).
public sealed partial class LeakDetector
{
    /// <summary>Classes of Node's handles and their wraps: sockets, servers, pipes, timers, pending requests.</summary>
    private static readonly HashSet<string> HandleClasses = new(StringComparer.Ordinal)
    {
        "Socket", "TCP", "TLSSocket", "TLSWrap", "Pipe", "Timeout", "Immediate", "Server", "TCPWrap", "PipeWrap",
        "WriteWrap", "ShutdownWrap", "TCPConnectWrap", "FSReqCallback", "Node / TCPSocketWrap", "Node / TCPWrap", "Node / TLSWrap",
    };

    private sealed partial class Detection
    {
        /// <summary>The suspect a group makes, or null when its point (or class) did not grow from the first snapshot to the last.</summary>
        private Suspect? Evaluate(Group group)
        {
            int point = group.AccumulationPoint;
            bool rootHeld = _snapshot.NodeTypes[point] == _types.Synthetic;
            long[]? counts;
            long[] bytes;
            long[]? removed = null;
            string unit = "entries";
            SuspectKind kind;
            var collectionType = rootHeld ? null : _collectionShapes.TypeOf(point);
            string? eventName = null;
            int emitter = -1;

            if (rootHeld)
            {
                string key = _analysis.Classes[group.RootHeldClass].Key;
                counts = _classSeries.Counts(key);
                bytes = _classSeries.Bytes(key);
                unit = "objects";
                kind = IsHandleGroup(group) ? SuspectKind.Handles : SuspectKind.Class;
            }
            else
            {
                bytes = group.PathBytes ?? RetainedSeries(_snapshot.NodeIds[point]);
                counts = null;
                kind = SuspectKind.Object;
                if (group.PathCounts is not null)
                {
                    // Matched by paths: the series is the path's, and removals cannot be known without ids.
                    counts = group.PathCounts;
                    kind = SuspectKind.Collection;
                }
                else if (collectionType is not null)
                {
                    var series = CollectionSeries(_snapshot.NodeIds[point]);
                    counts = series.Entries;
                    removed = series.Removed;
                    kind = SuspectKind.Collection;
                }
                // _events.<event>: the listener array itself, or the _events object when the array is new.
                var (owner, ownerEdge) = NamedOwner(point);
                if (collectionType == CollectionType.Array && owner >= 0 && NamedOwner(owner) is var (emitterNode, eventsEdge) && EdgeNameIs(eventsEdge, "_events"))
                {
                    eventName = _snapshot.EdgeName(ownerEdge);
                    emitter = emitterNode;
                }
                else if (owner >= 0 && EdgeNameIs(ownerEdge, "_events") && group.EdgeLabel != "[]" && group.PathCounts is null)
                {
                    eventName = group.EdgeLabel;
                    emitter = owner;
                    var series = CollectionSeries(_snapshot.NodeIds[group.BelowPoint]);
                    if (series.Known) counts = series.Entries;
                }
                if (eventName is not null)
                {
                    kind = SuspectKind.Listeners;
                    unit = "listeners";
                }
                else if (IsClosureChain(group))
                {
                    kind = SuspectKind.ClosureChain;
                    counts = null;
                }
                else if (collectionType is not null)
                {
                    if (removed is not null && removed.Skip(1).All(r => r > 0)) kind = SuspectKind.Backlog;
                    else if (collectionType == CollectionType.Array && IsMostlyPrimitive(group)) kind = SuspectKind.IdArray;
                }
            }

            var measure = counts ?? bytes;
            if (measure[^1] <= measure[0] || bytes[^1] < bytes[0]) return null;

            var severity = SeverityRule.Rate(kind, counts, bytes, _analysis.TotalSize);
            // Without ids nothing is known to be new, so what an owner holds cannot be told from what it always had.
            if (!rootHeld && _detector.Matching == SnapshotMatching.Ids && IsApplicationOwner(point)) group.Held = HeldBelow(point);
            var allocatedAt = StacksOf(group.Allocations);
            var location = LocationOf(group, allocatedAt);
            var retainerPath = ToLinks(_paths.PathTo(point));
            if (rootHeld && group.Shallowest >= 0) retainerPath = ToLinks(_paths.PathTo(group.Shallowest));
            var (propertyPath, variableContext) = rootHeld ? (RootHeldPath(group), -1) : NamedPath(point, group.EdgeLabel);
            var classes = group.Classes.OrderByDescending(c => c.Value.Count).Take(LeakThresholds.TopClasses)
                .Select(c => new ClassShare(_analysis.Classes[c.Key].Name, c.Value.Count, c.Value.Bytes)).ToList();
            var suspect = new Suspect
            {
                Kind = kind,
                Severity = severity,
                Title = Title(kind, group, propertyPath, eventName, emitter, variableContext),
                Explanation = "",
                AccumulationPoint = rootHeld ? null : Ref(point),
                PropertyPath = propertyPath,
                CountUnit = unit,
                Counts = counts,
                Bytes = bytes,
                Removed = removed,
                // Without ids nothing is known to be new: the net growth stands for it.
                NewObjects = group.PathCounts is { } c ? c[^1] - c[0] : group.NewObjects,
                NewBytes = group.PathBytes is { } b ? b[^1] - b[0] : group.NewBytes,
                Classes = classes,
                RetainerPath = retainerPath,
                Location = location,
                AllocatedAt = allocatedAt,
                UntracedObjects = UntracedOf(group.Allocations),
                MergedPoints = 0,
            };
            string? subject = rootHeld ? _analysis.Classes[group.RootHeldClass].Name : null;
            return suspect with
            {
                Explanation = Explanations.For(suspect, subject, eventName, emitter >= 0 ? Ref(emitter) : null, ChainVariable(group),
                    group.MaxDepth - _paths.Depth(point), group.PathCounts is not null),
            };
        }

        private bool EdgeNameIs(int edge, string name) => edge >= 0 && _snapshot.EdgeHasStringName(edge) && _snapshot.EdgeName(edge) == name;

        /// <summary>Many closure contexts, hanging far below the point: each context keeps the previous one.</summary>
        private bool IsClosureChain(Group group) =>
            group.ContextCount >= LeakThresholds.ClosureChainMinContexts
            && group.MaxDepth - _paths.Depth(group.AccumulationPoint) >= LeakThresholds.ClosureChainMinLinks;

        /// <summary>The root-held class is a handle class, or handles are a fair share of the group's new objects.</summary>
        private bool IsHandleGroup(Group group)
        {
            if (HandleClasses.Contains(_analysis.Classes[group.RootHeldClass].Name)) return true;
            long handles = 0;
            foreach (var (cls, c) in group.Classes)
                if (HandleClasses.Contains(_analysis.Classes[cls].Name)) handles += c.Count;
            return handles * 10 >= group.NewObjects * LeakThresholds.HandleShareTenths;
        }

        /// <summary>Nearly all of the group's new objects are strings or numbers: ids.</summary>
        private bool IsMostlyPrimitive(Group group)
        {
            long primitive = 0;
            foreach (var (cls, c) in group.Classes)
                if (_analysis.Classes[cls].Name is "(string)" or "(concatenated string)" or "(sliced string)" or "(number)" or "(heap number)" or "(bigint)")
                    primitive += c.Count;
            return primitive * 10 >= group.NewObjects * LeakThresholds.IdArrayPrimitiveShareTenths;
        }

        /// <summary>The context variable that links the chain: the most common context edge from a context to a new object.</summary>
        private string? ChainVariable(Group group)
        {
            if (group.ContextCount < LeakThresholds.ClosureChainMinContexts) return null;
            var names = new Dictionary<string, int>();
            int contextEdge = _snapshot.Meta.EdgeType("context");
            int steps = 0;
            int start = group.Shallowest >= 0 ? DeepestNew(group) : -1;
            for (int v = start; v >= 0 && v != group.AccumulationPoint && steps < LeakThresholds.ChainVariableMaxSteps; v = _paths.ParentOf(v), steps++)
            {
                int e = _paths.ParentEdgeOf(v);
                if (e >= 0 && _snapshot.EdgeTypes[e] == contextEdge) names[_snapshot.EdgeName(e)] = names.GetValueOrDefault(_snapshot.EdgeName(e)) + 1;
            }
            return names.Count == 0 ? null : names.MaxBy(p => p.Value).Key;
        }

        /// <summary>The first new object (in node order) at the group's deepest depth, from the index grouping built; else its shallowest member.</summary>
        private int DeepestNew(Group group)
        {
            int depth = group.MaxDepth;
            return depth < _firstNewAtDepth.Length && _firstNewAtDepth[depth] >= 0 ? _firstNewAtDepth[depth] : group.Shallowest;
        }

        /// <param name="variableContext">The application context whose variable <paramref name="propertyPath"/> starts at, or -1:
        /// then the title says what the variable is and where (<c>sessions (Map, module variable in lib/sessions.js)</c>).</param>
        private string Title(SuspectKind kind, Group group, string propertyPath, string? eventName, int emitter, int variableContext) => kind switch
        {
            SuspectKind.Listeners when VariableNaming(emitter) is { } variable => $"'{eventName}' listeners on {variable}",
            SuspectKind.Listeners => $"'{eventName}' listeners on {Ref(emitter)}",
            SuspectKind.Handles or SuspectKind.Class => $"{_analysis.Classes[group.RootHeldClass].Name} objects held only by GC roots",
            SuspectKind.ClosureChain => $"closure chain from {propertyPath}",
            _ when variableContext >= 0 =>
                $"{propertyPath} ({Ref(group.EdgeLabel is "" or "[]" ? group.AccumulationPoint : group.BelowPoint).ClassName}, {VariableScope(variableContext)})",
            _ => propertyPath,
        };
    }
}
