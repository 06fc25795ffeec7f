using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Leaks;

// Step 4: the application code behind a group.
public sealed partial class LeakDetector
{
    private sealed partial class Detection
    {
        private CodeLocation ToLocation(SourceLocation location)
        {
            string? script = _scriptNames.NameOf(location.ScriptId);
            return new CodeLocation(script ?? "", location.ScriptId, location.Line + 1, location.Column + 1);
        }

        /// <summary>A location in a named script that is not Node's or V8's own.</summary>
        private bool IsUserCode(SourceLocation location) => _scriptNames.NameOf(location.ScriptId) is { } name && !ScriptNames.IsRuntimeScript(name);

        /// <summary>
        /// The code involved: the most common application class (constructor) among the new objects, else the most
        /// common application closure, else the nearest object with application code on the path to the point.
        /// </summary>
        private CodeLocation? LocationOf(Group group)
        {
            SourceLocation? best = null;
            long bestCount = 0;
            foreach (var (cls, c) in group.Classes)
                if (_analysis.Classes[cls].Location is { } l && IsUserCode(l) && c.Count > bestCount) { best = l; bestCount = c.Count; }
            if (best is null)
                foreach (var (l, count) in group.ClosureLocations)
                    if (IsUserCode(l) && count > bestCount) { best = l; bestCount = count; }
            if (best is null && _snapshot.NodeTypes[group.AccumulationPoint] != _types.Synthetic)
                best = NearestUserCodeAbove(group.AccumulationPoint);
            return best is { } found ? ToLocation(found) : null;
        }

        /// <summary>
        /// The first application location on the way up from <paramref name="v"/> (itself included): its class's
        /// constructor, or its own location (a closure's); at most <see cref="LeakThresholds.LocationMaxSteps"/> links.
        /// </summary>
        private SourceLocation? NearestUserCodeAbove(int v)
        {
            for (int steps = 0; v >= 0 && v != _snapshot.RootOrdinal && steps < LeakThresholds.LocationMaxSteps; v = _paths.ParentOf(v), steps++)
            {
                if (_analysis.ClassOfNode(v).Location is { } l && IsUserCode(l)) return l;
                if (_snapshot.Locations.TryGet(v, out var own) && IsUserCode(own)) return own;
            }
            return null;
        }
    }
}
