using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Snapshots;

/// <summary>The one refusal for snapshots that cannot be compared object by object.</summary>
public static class SnapshotComparison
{
    /// <summary>Throws <see cref="ErrorKind.NotComparable"/> when <paramref name="later"/> cannot be compared with
    /// <paramref name="earlier"/>; <paramref name="earlierName"/> and <paramref name="laterName"/> name them to the user.</summary>
    public static void EnsureComparable(SnapshotDigest earlier, SnapshotDigest later, string? earlierName = null, string? laterName = null)
    {
        var check = Comparability.Check(earlier, later);
        if (!check.Comparable)
            throw new HeapdogException(ErrorKind.NotComparable,
                $"{earlierName ?? $"'{earlier.Source}'"} and {laterName ?? $"'{later.Source}'"} cannot be compared: {check.Reason} " +
                "(snapshots must come from one process lifetime, oldest first)");
    }
}
