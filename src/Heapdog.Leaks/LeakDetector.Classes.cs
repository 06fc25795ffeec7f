namespace Heapdog.Leaks;

// Step 6: classes that grow without an accumulation point to blame (many holders, or only GC roots).
public sealed partial class LeakDetector
{
    private sealed partial class Detection
    {
        /// <summary>
        /// Classes that grow without a suspect explaining them. A class whose newest instance is held through another
        /// suspect's accumulation point is that leak's consequence (the strings inside leaked events), not a leak of its own.
        /// </summary>
        private IEnumerable<Suspect> GrowingClasses(Dictionary<int, long> explainedByClass, HashSet<uint> accumulationPoints)
        {
            for (int cls = 0; cls < _analysis.Classes.Count; cls++)
            {
                var c = _analysis.Classes[cls];
                if (c.Name.StartsWith('(') && c.Name is not ("(string)" or "(concatenated string)" or "(sliced string)" or "(array)") || c.Name.StartsWith("system /", StringComparison.Ordinal))
                    continue;
                var counts = _classSeries.Counts(c.Key);
                long growth = counts[^1] - counts[0];
                bool handle = HandleClasses.Contains(c.Name);
                if (!SeverityRule.GrewEveryInterval(counts) || growth < SeverityRule.MinClassGrowth(handle)) continue;
                if (explainedByClass.GetValueOrDefault(cls) * LeakThresholds.ExplainedGrowthFactor >= growth) continue;
                // A representative: the shallowest new instance, indexed while grouping.
                int representative = _shallowestNewOfClass[cls];
                if (representative < 0) continue;
                var kind = handle ? SuspectKind.Handles : SuspectKind.Class;
                var bytes = _classSeries.Bytes(c.Key);
                var path = _paths.PathTo(representative);
                if (path.Exists(step => accumulationPoints.Contains(_snapshot.NodeIds[step.Node]))) continue;
                var holder = path.Count >= 2 ? path[^2].Node : representative;
                CodeLocation? location = c.Location is { } l && IsUserCode(l) ? ToLocation(l, LocationKind.Constructor, c.Name) : null;
                for (int i = path.Count - 1; location is null && i > 0; i--) location = LocationOfNode(path[i].Node);
                var allocatedAt = StacksOf(_classAllocations?.GetValueOrDefault(cls));
                location ??= AllocationLocation(allocatedAt);
                // Strings, numbers and internal arrays come and go with any work a service does: their counts say
                // little, so V8's own kinds are rated by bytes alone, and only a steady growth is more than low (a
                // request caught in flight by one snapshot makes one interval jump).
                bool primitive = c.Name.StartsWith('(');
                var severity = primitive && !SeverityRule.GrewSteadily(bytes) ? Severity.Low : SeverityRule.Rate(kind, primitive ? null : counts, bytes, _analysis.TotalSize);
                var suspect = new Suspect
                {
                    Kind = kind,
                    Severity = severity,
                    Title = $"{c.Name} instances",
                    Explanation = "",
                    AccumulationPoint = _snapshot.NodeTypes[holder] == _types.Synthetic ? null : Ref(holder),
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
                    AllocatedAt = allocatedAt,
                    UntracedObjects = UntracedOf(_classAllocations?.GetValueOrDefault(cls)),
                    MergedPoints = 0,
                };
                yield return suspect with { Explanation = Explanations.For(suspect, c.Name, null, null, null, 0) };
            }
        }
    }
}
