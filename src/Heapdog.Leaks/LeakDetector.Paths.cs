using Heapdog.Snapshot.Paths;

namespace Heapdog.Leaks;

// Step 1 and 2 without ids: collections matched across snapshots by their path from the roots (PathCensus).
public sealed partial class LeakDetector
{
    private sealed partial class Detection
    {
        /// <summary>
        /// Ids do not line up, so there is no leaked set: a suspect is a path whose collections' entries grew in every
        /// interval (by <see cref="LeakThresholds.MinGroupObjects"/> at least, retained bytes not shrinking), named and
        /// located from the last snapshot's collections at that path. A path below another growing path is that
        /// growth's consequence (the arrays inside leaked requests) and is left out. Then classes, as with ids.
        /// </summary>
        private LeakReport ExecuteByPaths()
        {
            var last = PathCensus.Create(_analysis, _paths, _collectionShapes, keepInstances: true, _cancellation);
            var censuses = new List<PathCensus>(_detector._pathCensuses) { last };
            var growing = new List<(int Index, long[] Counts, long[] Bytes)>();
            for (int i = 0; i < last.Count; i++)
            {
                var counts = new long[_snapshotCount];
                var bytes = new long[_snapshotCount];
                for (int k = 0; k < _snapshotCount; k++)
                {
                    int at = k == _snapshotCount - 1 ? i : censuses[k].IndexOf(last.Key(i));
                    if (at < 0) continue; // no collection there yet, or an empty one
                    counts[k] = censuses[k].Entries(at);
                    bytes[k] = censuses[k].Retained(at);
                }
                // "The same collection" is one the path reaches in every snapshot: a path that appears later is new
                // code running (a module loaded, a prototype filled), not a collection that grew.
                if (Array.IndexOf(counts, 0L) < 0 && SeverityRule.GrewEveryInterval(counts) && counts[^1] - counts[0] >= LeakThresholds.MinGroupObjects && bytes[^1] >= bytes[0])
                    growing.Add((i, counts, bytes));
            }

            var growingNodes = new HashSet<int>();
            foreach (var (i, _, _) in growing) foreach (int v in last.Instances(i)) growingNodes.Add(v);
            var candidates = new List<Candidate>();
            long newObjects = 0, newBytes = 0;
            foreach (var (i, counts, bytes) in growing)
            {
                _cancellation.ThrowIfCancellationRequested();
                var instances = last.Instances(i);
                if (HeldByAnother(instances[0], growingNodes)) continue;
                var group = new Group { AccumulationPoint = instances[0], BelowPoint = instances[0], EdgeLabel = "[]", PathCounts = counts, PathBytes = bytes };
                foreach (int v in instances)
                    _collectionShapes.Entries(v, _collectionShapes.TypeOf(v)!.Value, e => AddMember(group, _snapshot.EdgeTargets[e]));
                if (Evaluate(group) is not { } suspect) continue;
                suspect = suspect with { MergedPoints = instances.Length - 1 };
                candidates.Add(new Candidate(suspect, Signature(group), group));
                newObjects += suspect.NewObjects;
                newBytes += suspect.NewBytes;
            }
            return Report(candidates, newObjects, newBytes, IndexEveryObject(candidates));
        }

        /// <summary>Whether a collection above <paramref name="v"/> on its shortest path grows too.</summary>
        private bool HeldByAnother(int v, HashSet<int> growingNodes)
        {
            for (int u = _paths.ParentOf(v); u >= 0; u = _paths.ParentOf(u))
                if (growingNodes.Contains(u)) return true;
            return false;
        }

        /// <summary>
        /// With no new objects to tell, every reachable object not held at a suspect's point is a candidate
        /// representative of its class; those held at a point are counted per class (the growth they explain).
        /// </summary>
        private Dictionary<int, long> IndexEveryObject(List<Candidate> candidates)
        {
            // Per node: 0 not known yet, 1 below a suspect's point on its shortest path, 2 not; found by walking up
            // to a known node, so every node is settled once.
            var below = new byte[_snapshot.NodeCount];
            foreach (var c in candidates) below[c.Group.AccumulationPoint] = 1;
            below[_snapshot.RootOrdinal] = 2;
            var chain = new List<int>();
            var held = new Dictionary<int, long>();
            for (int v = 0; v < _snapshot.NodeCount; v++)
            {
                if ((v & 0xFFFF) == 0) _cancellation.ThrowIfCancellationRequested();
                if (_paths.Depth(v) == ShortestPaths.Unreachable || _snapshot.SelfSizes[v] == 0) continue;
                int t = _snapshot.NodeTypes[v];
                if (t == _types.Synthetic || t == _types.Hidden || t == _types.Code || t == _types.ObjectShape) continue;
                chain.Clear();
                int u = v;
                while (below[u] == 0 && _paths.ParentOf(u) >= 0) { chain.Add(u); u = _paths.ParentOf(u); }
                byte state = below[u] == 0 ? (byte)2 : below[u];
                foreach (int w in chain) below[w] = state;
                if (state == 1) held[_analysis.ClassOf[v]] = held.GetValueOrDefault(_analysis.ClassOf[v]) + 1;
                else IndexNew(v);
            }
            return held;
        }
    }
}
