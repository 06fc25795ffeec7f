namespace Heapdog.Snapshot.Comparison;

/// <summary>
/// Whether and how two snapshots can be compared. V8 numbers objects in increasing order and an object keeps its id,
/// type and name for as long as the numbering lasts: within one process, until the inspector session that took the
/// snapshots closes (V8 forgets the ids then, and a new session numbers from scratch). So, from an earlier snapshot
/// (BASE) to a later one (TARGET) of one session: the two share ids, a shared id names the same kind of object in both,
/// and TARGET's largest heap id is not below BASE's; objects are then matched by id (<see cref="SnapshotMatching.Ids"/>).
/// Snapshots of two sessions, of a restarted process or of two replicas reuse the same small ids for different objects:
/// they are matched without ids (<see cref="SnapshotMatching.Paths"/>) as long as they run the same program, which
/// shows as more than half of their application scripts in common. Snapshots of two different programs are not comparable.
/// </summary>
public sealed record Comparability(bool Comparable, string Reason, long SharedIds, long MismatchedIds)
{
    /// <summary>At most this share of shared ids may name different objects (leaves room for in-place string changes).</summary>
    public const double MaxMismatchShare = 0.02;

    /// <summary>How objects are matched when <see cref="Comparable"/>.</summary>
    public SnapshotMatching Matching { get; init; } = SnapshotMatching.Ids;

    public static Comparability Check(SnapshotDigest earlier, SnapshotDigest later)
    {
        long shared = 0, mismatched = 0;
        var a = earlier.Ids;
        var b = later.Ids;
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] < b[j]) i++;
            else if (a[i] > b[j]) j++;
            else
            {
                if ((a[i] & 1) == 1)
                {
                    shared++;
                    if (earlier.Signatures[i] != later.Signatures[j]) mismatched++;
                }
                i++;
                j++;
            }
        }
        bool sameIds = shared > 0 && mismatched <= shared * MaxMismatchShare;
        if (sameIds)
        {
            // One numbering, so the order is known: a later snapshot never has only older objects.
            if (later.MaxHeapId < earlier.MaxHeapId)
                return new(false, $"its newest object id (@{later.MaxHeapId}) is older than the earlier snapshot's (@{earlier.MaxHeapId}): wrong order, give the older snapshot first", shared, mismatched);
            return new(true, "", shared, mismatched);
        }
        // One program loads mostly the same scripts each time; two programs may share a helper or a harness, not most of their code.
        int common = CommonScripts(earlier.ApplicationScripts, later.ApplicationScripts);
        int fewer = Math.Min(earlier.ApplicationScripts.Length, later.ApplicationScripts.Length);
        if (common * 2 <= fewer || common == 0)
            return new(false, $"they have {(common == 0 ? "no application script" : $"only {common} of {fewer} application scripts")} in common ({Scripts(earlier)} versus {Scripts(later)}): they are snapshots of two different programs", shared, mismatched);
        return new(true, "", shared, mismatched) { Matching = SnapshotMatching.Paths };
    }

    /// <summary>Names in both sorted lists.</summary>
    private static int CommonScripts(string[] a, string[] b)
    {
        int i = 0, j = 0, common = 0;
        while (i < a.Length && j < b.Length)
        {
            int order = string.CompareOrdinal(a[i], b[j]);
            if (order == 0) { common++; i++; j++; }
            else if (order < 0) i++;
            else j++;
        }
        return common;
    }

    private static string Scripts(SnapshotDigest digest)
    {
        var names = digest.ApplicationScripts;
        if (names.Length == 0) return "none";
        string shown = string.Join(", ", names.Take(3).Select(n => Path.GetFileName(n.TrimEnd('/')) is { Length: > 0 } f ? f : n));
        return names.Length > 3 ? $"{shown} and {names.Length - 3} more" : shown;
    }
}
