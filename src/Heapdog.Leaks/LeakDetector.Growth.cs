using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks;

// Step 2: how a point or a class grew, snapshot by snapshot, from the digests and censuses kept of each.
public sealed partial class LeakDetector
{
    /// <summary>Per class key: instance count and shallow bytes in each snapshot (0 where the class is absent).</summary>
    private sealed class ClassSeries
    {
        private readonly Dictionary<string, long[]> _counts = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long[]> _bytes = new(StringComparer.Ordinal);
        private readonly int _snapshotCount;

        private ClassSeries(int snapshotCount) => _snapshotCount = snapshotCount;

        /// <summary>Instances per snapshot; all zero for a class no snapshot has.</summary>
        public long[] Counts(string key) => _counts.GetValueOrDefault(key) ?? new long[_snapshotCount];

        /// <summary>Shallow bytes per snapshot; all zero for a class no snapshot has.</summary>
        public long[] Bytes(string key) => _bytes.GetValueOrDefault(key) ?? new long[_snapshotCount];

        public static ClassSeries Build(IReadOnlyList<SnapshotDigest> digests)
        {
            var series = new ClassSeries(digests.Count);
            for (int k = 0; k < digests.Count; k++)
            {
                foreach (var c in digests[k].Classes)
                {
                    if (!series._counts.TryGetValue(c.Key, out var counts))
                    {
                        series._counts[c.Key] = counts = new long[digests.Count];
                        series._bytes[c.Key] = new long[digests.Count];
                    }
                    counts[k] += c.Count;
                    series._bytes[c.Key][k] += c.ShallowSize;
                }
            }
            return series;
        }
    }

    private sealed partial class Detection
    {
        /// <summary>Retained bytes of the object with <paramref name="id"/> in each snapshot (0 where it is absent).</summary>
        private long[] RetainedSeries(uint id)
        {
            var series = new long[_snapshotCount];
            for (int k = 0; k < _snapshotCount; k++)
            {
                var digest = _detector._digests[k];
                int i = digest.IndexOf(id);
                series[k] = i < 0 ? 0 : digest.RetainedSizes[i];
            }
            return series;
        }

        /// <summary>
        /// Entries of the collection with <paramref name="id"/> in each snapshot, the entries removed in each interval
        /// (null unless the collection is in every census) and whether any census has it.
        /// </summary>
        private (long[] Entries, long[]? Removed, bool Known) CollectionSeries(uint id)
        {
            var entries = new long[_snapshotCount];
            var removed = new long[_snapshotCount];
            bool removalsKnown = true, known = false;
            var censuses = _detector._censuses;
            for (int k = 0; k < _snapshotCount; k++)
            {
                if (censuses[k].TryGet(id, out var record))
                {
                    known = true;
                    entries[k] = record.Entries;
                    if (k > 0)
                    {
                        if (censuses[k - 1].TryGet(id, out var before)) removed[k] = Math.Max(0, before.Members - record.KeptMembers);
                        else removalsKnown = false;
                    }
                }
                else if (k > 0) removalsKnown = false;
            }
            return (entries, removalsKnown ? removed : null, known);
        }
    }
}
