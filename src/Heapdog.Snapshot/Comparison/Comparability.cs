namespace Heapdog.Snapshot.Comparison;

/// <summary>
/// Whether two snapshots can be compared object by object. Ids mean something only within one process lifetime:
/// V8 numbers objects in increasing order and an object keeps its id, type and name for life. So, from an earlier
/// snapshot (BASE) to a later one (TARGET) of the same process: TARGET's largest heap id is not below BASE's, the
/// two share ids, and a shared id names the same kind of object in both. Another process (or a restart) reuses the
/// same small ids for different objects, which shows as shared ids whose type or name differ.
/// </summary>
public sealed record Comparability(bool Comparable, string Reason, long SharedIds, long MismatchedIds)
{
    /// <summary>At most this share of shared ids may name different objects (leaves room for in-place string changes).</summary>
    public const double MaxMismatchShare = 0.02;

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
        if (later.MaxHeapId < earlier.MaxHeapId)
            return new(false, $"its newest object id (@{later.MaxHeapId}) is older than the earlier snapshot's (@{earlier.MaxHeapId}): wrong order, or another process", shared, mismatched);
        if (shared == 0)
            return new(false, "the two snapshots share no object ids", shared, mismatched);
        if (mismatched > shared * MaxMismatchShare)
            return new(false, $"{mismatched} of {shared} shared ids name different objects in the two snapshots: another process, or a restart in between", shared, mismatched);
        return new(true, "", shared, mismatched);
    }
}
