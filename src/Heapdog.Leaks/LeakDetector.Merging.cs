using System.Globalization;

namespace Heapdog.Leaks;

// Step 5: accumulation points with the same path shape (one per request, per client, …) are one leak.
public sealed partial class LeakDetector
{
    /// <summary>A group that grows, the suspect it makes and the shape of its path (<see cref="Detection.Signature"/>).</summary>
    private sealed record Candidate(Suspect Suspect, string Signature, Group Group);

    private sealed partial class Detection
    {
        /// <summary>
        /// The shape of the path to a group's point: per step, the edge label and the class key of the node, then the
        /// label below the point and the root-held class. Two points with one signature are made by the same code.
        /// </summary>
        private string Signature(Group group)
        {
            var parts = new List<string>();
            foreach (var step in _paths.PathTo(group.AccumulationPoint))
                parts.Add((step.Edge >= 0 ? EdgeLabel(-1, step.Edge) : "") + ":" + _analysis.ClassOfNode(step.Node).Key);
            parts.Add(group.EdgeLabel);
            parts.Add(group.RootHeldClass.ToString(CultureInfo.InvariantCulture));
            return string.Join('/', parts);
        }

        /// <summary>
        /// One suspect per signature: the one that grows fastest, with the counts, bytes and new objects of all of
        /// them summed and rated again. <paramref name="explainedByClass"/> gets, per class index, the new objects
        /// the suspects hold (to tell a class's own growth from theirs).
        /// </summary>
        private List<(Suspect Suspect, List<Candidate> Items)> MergeSimilar(List<Candidate> candidates, out Dictionary<int, long> explainedByClass)
        {
            explainedByClass = [];
            var result = new List<(Suspect, List<Candidate>)>();
            foreach (var same in candidates.GroupBy(c => c.Signature))
            {
                var items = same.OrderByDescending(c => c.Suspect.ByteGrowthPerSnapshot).ToList();
                var head = items[0].Suspect;
                if (items.Count > 1)
                {
                    var counts = head.Counts is null ? null : Sum(items, s => s.Counts);
                    var bytes = Sum(items, s => s.Bytes);
                    head = head with
                    {
                        Counts = counts,
                        Bytes = bytes,
                        NewObjects = items.Sum(i => i.Suspect.NewObjects),
                        NewBytes = items.Sum(i => i.Suspect.NewBytes),
                        MergedPoints = items.Count - 1,
                        AllocatedAt = head.AllocatedAt is null ? null : StacksOf(MergeAllocations(items)),
                        UntracedObjects = head.AllocatedAt is null ? null : UntracedOf(MergeAllocations(items)),
                        Severity = SeverityRule.Rate(head.Kind, counts, bytes, _analysis.TotalSize),
                    };
                }
                foreach (var item in items)
                    foreach (var (cls, c) in item.Group.Classes)
                        explainedByClass[cls] = explainedByClass.GetValueOrDefault(cls) + c.Count;
                result.Add((head, items));
            }
            return result;
        }

        /// <summary>The candidates' new objects by allocation trace node, added up.</summary>
        private static Dictionary<int, (long Count, long Bytes)>? MergeAllocations(List<Candidate> items)
        {
            Dictionary<int, (long Count, long Bytes)>? total = null;
            foreach (var item in items)
                foreach (var (id, (count, bytes)) in item.Group.Allocations ?? [])
                {
                    total ??= [];
                    total[id] = total.TryGetValue(id, out var t) ? (t.Count + count, t.Bytes + bytes) : (count, bytes);
                }
            return total;
        }

        /// <summary>Per snapshot, the sum of one series over the candidates (a missing series counts as zeros).</summary>
        private long[] Sum(List<Candidate> items, Func<Suspect, long[]?> pick)
        {
            var total = new long[_snapshotCount];
            foreach (var item in items)
                if (pick(item.Suspect) is { } series)
                    for (int k = 0; k < _snapshotCount; k++) total[k] += series[k];
            return total;
        }
    }
}
