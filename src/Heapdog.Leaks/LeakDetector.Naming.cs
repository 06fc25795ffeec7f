using Heapdog.Snapshot.Paths;

namespace Heapdog.Leaks;

// How suspects name objects and paths, the way code reads (JobQueue@2231._events.error).
public sealed partial class LeakDetector
{
    private sealed partial class Detection
    {
        private ObjectRef Ref(int v) => new(_snapshot.NodeIds[v], _analysis.ClassOfNode(v).Name, _snapshot.NodeName(v), _snapshot.NodeTypeName(v));

        private List<PathLink> ToLinks(List<PathStep> path)
        {
            var links = new List<PathLink>(path.Count);
            foreach (var step in path)
            {
                int e = step.Edge;
                links.Add(new PathLink(e >= 0 ? _snapshot.EdgeName(e) : null, e >= 0 ? _snapshot.Meta.EdgeTypeName(_snapshot.EdgeTypes[e]) : null, Ref(step.Node)));
            }
            return links;
        }

        /// <summary>
        /// The retainer that names <paramref name="v"/> best: a property, context variable or element of a JS object
        /// rather than a handle or an internal store, so that paths read as code (<c>JobQueue@1._events.error</c>).
        /// </summary>
        private (int Owner, int Edge) NamedOwner(int v)
        {
            var retainers = _analysis.Retainers;
            int bestOwner = -1, bestEdge = -1, bestRank = int.MaxValue;
            for (int i = retainers.First[v]; i < retainers.First[v + 1]; i++)
            {
                int owner = retainers.Nodes[i];
                if (owner == v) continue;
                int e = retainers.EdgeOf(_snapshot, v, i);
                string type = _snapshot.Meta.EdgeTypeName(_snapshot.EdgeTypes[e]);
                int rank = type switch { "property" => 0, "context" => 1, "element" => 2, "internal" => 4, _ => 9 };
                if (rank == 9 || _snapshot.NodeTypes[owner] == _types.Synthetic) continue;
                if (IsStorage(owner)) rank += 3;
                if (_paths.Depth(owner) == ShortestPaths.Unreachable) rank += 10;
                if (rank < bestRank) { bestRank = rank; bestOwner = owner; bestEdge = e; }
            }
            return (bestOwner, bestEdge);
        }

        /// <summary><c>Holder@id.a.b</c>: from the nearest named object above the point, through property names.</summary>
        private string PropertyPath(int point, string label) => NamedPath(point, label).Text;

        /// <summary>
        /// <see cref="PropertyPath"/>, and the application context whose variable starts it (-1 for none): a developer
        /// knows <c>sessions</c>, the module-level Map, not <c>system / Context@82315.sessions</c>, so such a path
        /// starts at the variable (<see cref="VariableScope"/> says which).
        /// </summary>
        private (string Text, int Context) NamedPath(int point, string label)
        {
            bool named = label.Length > 0 && label != "[]";
            if (named && _analysis.ClassOf[point] == _contextClass)
                return VariableScope(point) is null ? ($"{Ref(point)}.{label}", -1) : (label, point);
            var names = new List<string>();
            int v = point, head = -1;
            var seen = new HashSet<int> { v };
            for (int hops = 0; hops < LeakThresholds.PropertyPathMaxHops; hops++)
            {
                var (owner, edge) = NamedOwner(v);
                if (owner < 0 || !seen.Add(owner)) break;
                if (!IsStorage(owner)) names.Add(EdgeText(edge));
                v = owner;
                if (IsNamedHolder(owner)) { head = owner; break; }
            }
            names.Reverse();
            int context = head >= 0 && names.Count > 0 && VariableScope(head) is not null ? head : -1;
            string text = (head >= 0 && context < 0 ? Ref(head).ToString() : head < 0 && names.Count == 0 ? Ref(point).ToString() : "")
                + string.Concat(names.Select((n, i) => n.StartsWith('[') || (i == 0 && (head < 0 || context >= 0)) ? n : "." + n));
            return (named ? text + "." + label : text, context);
        }

        /// <summary>
        /// <paramref name="v"/> by the application variable that holds it, <c>jobQueue (EventEmitter, module variable in
        /// app.js)</c>, when the retainer that names it is one; else null.
        /// </summary>
        private string? VariableNaming(int v)
        {
            var (owner, edge) = NamedOwner(v);
            if (owner < 0 || _snapshot.Meta.EdgeTypeName(_snapshot.EdgeTypes[edge]) != "context" || VariableScope(owner) is not { } scope) return null;
            return $"{_snapshot.EdgeName(edge)} ({Ref(v).ClassName}, {scope})";
        }

        /// <summary>
        /// Where a variable of <paramref name="context"/> lives, for titles: <c>module variable in lib/audit.js</c>, or
        /// <c>closure variable in …</c> for a function's; null unless the context is an application script's.
        /// </summary>
        private string? VariableScope(int context)
        {
            if (context < 0 || _analysis.ClassOf[context] != _contextClass || ContextScript(context) is not { } script || !IsApplicationScript(script)) return null;
            return $"{(IsModuleContext(context) ? "module" : "closure")} variable in {Explanations.ShortScript(script)}";
        }

        /// <summary>The first objects after the root on the path to a root-held group's shallowest member.</summary>
        private string RootHeldPath(Group group)
        {
            var path = _paths.PathTo(group.Shallowest >= 0 ? group.Shallowest : group.AccumulationPoint);
            return string.Join(" → ", path.Skip(1).Take(LeakThresholds.RootHeldPathObjects).Select(step => Ref(step.Node).ToString()));
        }

        /// <summary>An object whose class name tells the reader something: an application class, a closure, a context, a root.</summary>
        private bool IsNamedHolder(int v)
        {
            int t = _snapshot.NodeTypes[v];
            if (t == _types.Synthetic) return true;
            if (t != _types.Object && t != _types.Closure && t != _types.Native) return false;
            string cls = _analysis.ClassOfNode(v).Name;
            return cls is not ("Object" or "Array") && !cls.StartsWith('{') && !cls.StartsWith("system /", StringComparison.Ordinal)
                || cls == "system / Context";
        }

        private string EdgeText(int e)
        {
            if (e < 0) return "";
            string name = _snapshot.EdgeName(e);
            return _snapshot.EdgeHasStringName(e) ? name : $"[{name}]";
        }
    }
}
