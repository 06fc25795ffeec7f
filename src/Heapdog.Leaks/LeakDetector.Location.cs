using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Leaks;

// Step 4: the application code behind a group.
public sealed partial class LeakDetector
{
    private sealed partial class Detection
    {
        private CodeLocation ToLocation(SourceLocation location, LocationKind kind, string? name)
        {
            string? script = _scriptNames.NameOf(location.ScriptId);
            return new CodeLocation(script ?? "", location.ScriptId, location.Line + 1, location.Column + 1)
            {
                Kind = kind,
                Name = string.IsNullOrEmpty(name) ? null : name,
            };
        }

        /// <summary>A location in a named script that is not Node's or V8's own.</summary>
        private bool IsUserCode(SourceLocation location) => _scriptNames.NameOf(location.ScriptId) is { } name && !ScriptNames.IsRuntimeScript(name);

        /// <summary>
        /// The code involved: the most common application class (constructor) among the new objects, else the most
        /// common application closure, else the nearest object with application code on the path to the point, else
        /// (with allocation tracking) the function that allocated most of the new objects.
        /// </summary>
        private CodeLocation? LocationOf(Group group, IReadOnlyList<AllocationStack>? allocatedAt)
        {
            CodeLocation? best = null;
            long bestCount = 0;
            foreach (var (cls, c) in group.Classes)
                if (_analysis.Classes[cls].Location is { } l && IsUserCode(l) && c.Count > bestCount)
                {
                    best = ToLocation(l, LocationKind.Constructor, _analysis.Classes[cls].Name);
                    bestCount = c.Count;
                }
            if (best is null)
                foreach (var (l, count) in group.ClosureLocations)
                    if (IsUserCode(l) && count > bestCount)
                    {
                        best = ToLocation(l, LocationKind.Function, _snapshot.Strings[group.ClosureNames[l]]);
                        bestCount = count;
                    }
            if (best is null && _snapshot.NodeTypes[group.AccumulationPoint] != _types.Synthetic)
                best = NearestUserCodeAbove(group.AccumulationPoint);
            return best ?? AllocationLocation(allocatedAt);
        }

        /// <summary>
        /// The first application location on the way up from <paramref name="v"/> (itself included): its class's
        /// constructor, or its own location (a closure's); at most <see cref="LeakThresholds.LocationMaxSteps"/> links.
        /// </summary>
        private CodeLocation? NearestUserCodeAbove(int v)
        {
            for (int steps = 0; v >= 0 && v != _snapshot.RootOrdinal && steps < LeakThresholds.LocationMaxSteps; v = _paths.ParentOf(v), steps++)
                if (LocationOfNode(v) is { } found) return found;
            return null;
        }

        /// <summary>Node <paramref name="v"/>'s application code: its class's constructor, else its own location (a closure's).</summary>
        private CodeLocation? LocationOfNode(int v)
        {
            var cls = _analysis.ClassOfNode(v);
            if (cls.Location is { } l && IsUserCode(l)) return ToLocation(l, LocationKind.Constructor, cls.Name);
            if (_snapshot.Locations.TryGet(v, out var own) && IsUserCode(own)) return ToLocation(own, LocationKind.Function, _snapshot.NodeName(v));
            return null;
        }
    }
}
