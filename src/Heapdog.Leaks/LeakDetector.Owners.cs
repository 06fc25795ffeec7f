using Heapdog.Snapshot.Analysis;

namespace Heapdog.Leaks;

// Step 5b: owner first. Sockets, timers and Node's internals that grow because an application collection holds them are
// what that collection holds, not leaks of their own (docs/leaks.md, "Owner first").
public sealed partial class LeakDetector
{
    /// <summary>Classes whose names say Node made them, whatever script their constructor is in.</summary>
    private static bool IsRuntimeClassName(string name) =>
        HandleClasses.Contains(name) || name.StartsWith("Node / ", StringComparison.Ordinal);

    /// <summary>The program's own script: named, not Node's or V8's (<c>node:</c>, <c>internal/</c>), not a dependency's.</summary>
    private static bool IsApplicationScript(string? name) =>
        !ScriptNames.IsRuntimeScript(name) && !name!.Contains("/node_modules/", StringComparison.Ordinal) && !name.Contains("\\node_modules\\", StringComparison.Ordinal);

    private sealed partial class Detection
    {
        /// <summary>Per node: the owner walk that last visited it (<see cref="HeldBelow"/>); made on first use.</summary>
        private int[]? _heldStamp;
        private int _stamp;

        /// <summary>
        /// Whose code <paramref name="v"/> belongs to: true for the application's, false for Node's (a handle class, a
        /// <c>Node / …</c> native, a constructor in a runtime script), null when nothing tells (a plain Map or Array).
        /// A closure context belongs to the script of the closures that use it.
        /// </summary>
        private bool? OwnedByApplication(int v)
        {
            var cls = _analysis.ClassOfNode(v);
            if (IsRuntimeClassName(cls.Name)) return false;
            if (cls.Location is { } l) return IsApplicationScript(_scriptNames.NameOf(l.ScriptId));
            if (_analysis.ClassOf[v] == _contextClass && ContextScript(v) is { } script) return IsApplicationScript(script);
            return null;
        }

        /// <summary>
        /// An application owner: the point, or the first object above it that says whose it is (through the same
        /// retainers that name it), is the application's: <c>ProfileStore.cache</c>, a module's <c>sessions</c> Map.
        /// </summary>
        private bool IsApplicationOwner(int point)
        {
            for (int v = point, hops = 0; v >= 0 && hops <= LeakThresholds.PropertyPathMaxHops; v = NamedOwner(v).Owner, hops++)
                if (OwnedByApplication(v) is { } application) return application;
            return false;
        }

        /// <summary>
        /// What an owner holds that is not in the first snapshot, per class: a walk down from the point through new
        /// objects only (and the point's own storage, which may be old), never through weak edges, code or maps.
        /// Each node is visited once per owner.
        /// </summary>
        private Dictionary<int, (long Count, long Bytes)> HeldBelow(int point)
        {
            _heldStamp ??= new int[_snapshot.NodeCount];
            int stamp = ++_stamp;
            var held = new Dictionary<int, (long Count, long Bytes)>();
            int weak = _snapshot.Meta.EdgeType("weak");
            var stack = new Stack<int>();
            stack.Push(point);
            _heldStamp[point] = stamp;
            while (stack.Count > 0)
            {
                int v = stack.Pop();
                for (int e = _snapshot.FirstEdge[v], end = _snapshot.FirstEdge[v + 1]; e < end; e++)
                {
                    if (_snapshot.EdgeTypes[e] == weak) continue;
                    int t = _snapshot.EdgeTargets[e];
                    if (_heldStamp[t] == stamp) continue;
                    int type = _snapshot.NodeTypes[t];
                    if (type == _types.Synthetic || type == _types.Code || type == _types.ObjectShape) continue;
                    // Natives' ids change between snapshots, so they cannot be told new: counted, not followed.
                    bool isNew = !_existedInFirst[t] && !Unstable(t);
                    if (!isNew && !(v == point && IsStorage(t)) && !Unstable(t)) continue;
                    _heldStamp[t] = stamp;
                    if (!_existedInFirst[t])
                    {
                        int cls = _analysis.ClassOf[t];
                        uint size = _snapshot.SelfSizes[t];
                        held[cls] = held.TryGetValue(cls, out var c) ? (c.Count + 1, c.Bytes + size) : (1, size);
                    }
                    if (isNew || v == point) stack.Push(t);
                }
            }
            return held;
        }

        /// <summary>
        /// Owners first: a suspect that is not an application owner and whose main class an owner holds (at least half
        /// its growth, as <see cref="LeakThresholds.ExplainedGrowthFactor"/> says) is merged into that owner, which takes
        /// its severity when higher and lists the runtime classes it holds (<see cref="Suspect.Holds"/>).
        /// <paramref name="explainedByClass"/> gets what owners hold, so the classes they hold do not grow "on their own".
        /// </summary>
        private List<Suspect> MergeIntoOwners(List<(Suspect Suspect, List<Candidate> Items)> merged, Dictionary<int, long> explainedByClass)
        {
            var owners = new List<(Suspect Suspect, Dictionary<int, (long Count, long Bytes)> Held)>();
            foreach (var (suspect, items) in merged)
            {
                if (items.TrueForAll(i => i.Group.Held is null)) continue;
                var held = new Dictionary<int, (long Count, long Bytes)>();
                foreach (var item in items)
                    foreach (var (cls, c) in item.Group.Held ?? [])
                        held[cls] = held.TryGetValue(cls, out var h) ? (h.Count + c.Count, h.Bytes + c.Bytes) : c;
                owners.Add((suspect, held));
            }
            var result = new List<Suspect>();
            var severity = owners.Select(o => o.Suspect.Severity).ToArray();
            foreach (var (suspect, items) in merged)
            {
                if (!items.TrueForAll(i => i.Group.Held is null)) continue;
                // Only runtime suspects give way: an application class that an owner also holds is a leak of its own.
                int cls = MainClass(items[0].Group);
                if (cls >= 0 && !IsRuntimeClass(cls) && !items[0].Group.IsRootHeld) cls = -1;
                long growth = suspect.Counts is { } counts ? counts[^1] - counts[0] : suspect.NewObjects;
                int owner = cls < 0 ? -1 : owners.FindIndex(o => o.Held.GetValueOrDefault(cls).Count * LeakThresholds.ExplainedGrowthFactor >= growth);
                if (owner < 0) { result.Add(suspect); continue; }
                if (suspect.Severity > severity[owner]) severity[owner] = suspect.Severity;
            }
            for (int o = 0; o < owners.Count; o++)
            {
                var (suspect, held) = owners[o];
                foreach (var (cls, c) in held) explainedByClass[cls] = explainedByClass.GetValueOrDefault(cls) + c.Count;
                // Handles first (a socket or a timer is what the reader must close), then Node's other objects, most first.
                var holds = held.Where(h => IsRuntimeClass(h.Key)).OrderByDescending(h => HandleClasses.Contains(_analysis.Classes[h.Key].Name))
                    .ThenByDescending(h => h.Value.Count).ThenBy(h => _analysis.Classes[h.Key].Name, StringComparer.Ordinal)
                    .Take(LeakThresholds.TopClasses).Select(h => new ClassShare(_analysis.Classes[h.Key].Name, h.Value.Count, h.Value.Bytes)).ToList();
                result.Add(suspect with
                {
                    Severity = severity[o],
                    Holds = holds,
                    Owner = true,
                    Explanation = suspect.Explanation + Explanations.Holds(holds),
                });
            }
            return result;
        }

        /// <summary>The class a group is about: the class only GC roots hold, else its most common class; -1 for none.</summary>
        private static int MainClass(Group group)
        {
            if (group.IsRootHeld) return group.RootHeldClass;
            int best = -1;
            long count = 0;
            foreach (var (cls, c) in group.Classes)
                if (c.Count > count) { best = cls; count = c.Count; }
            return best;
        }

        /// <summary>Node's objects: handle classes, <c>Node / …</c> natives, classes whose constructor is in a runtime script.</summary>
        private bool IsRuntimeClass(int cls)
        {
            var c = _analysis.Classes[cls];
            return IsRuntimeClassName(c.Name) || c.Location is { } l && !IsApplicationScript(_scriptNames.NameOf(l.ScriptId));
        }

        /// <summary>The script of the closures that use a context (or of a context inside it), or null.</summary>
        private string? ContextScript(int context)
        {
            var retainers = _analysis.Retainers;
            for (int pass = 0; pass < 2; pass++)
                for (int i = retainers.First[context]; i < retainers.First[context + 1]; i++)
                {
                    int r = retainers.Nodes[i];
                    if (pass == 0 && _snapshot.NodeTypes[r] == _types.Closure && _snapshot.Locations.TryGet(r, out var l))
                        return _scriptNames.NameOf(l.ScriptId);
                    if (pass == 1 && r != context && _analysis.ClassOf[r] == _contextClass)
                        for (int j = retainers.First[r]; j < retainers.First[r + 1]; j++)
                            if (_snapshot.NodeTypes[retainers.Nodes[j]] == _types.Closure && _snapshot.Locations.TryGet(retainers.Nodes[j], out var inner))
                                return _scriptNames.NameOf(inner.ScriptId);
                }
            return null;
        }

        /// <summary>
        /// A module's own context (its top-level variables): the context it was made in is not a function's context
        /// (CommonJS wraps a module in a function whose context hangs off the native context).
        /// </summary>
        private bool IsModuleContext(int context)
        {
            for (int e = _snapshot.FirstEdge[context]; e < _snapshot.FirstEdge[context + 1]; e++)
                if (_snapshot.EdgeHasStringName(e) && _snapshot.EdgeName(e) == "previous")
                    return _analysis.ClassOf[_snapshot.EdgeTargets[e]] != _contextClass;
            return true;
        }
    }
}
