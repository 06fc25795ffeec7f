using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Snapshots;

/// <summary>The one place that decides how two snapshots are compared, and refuses those that cannot be.</summary>
public static class SnapshotComparison
{
    /// <summary>
    /// How <paramref name="later"/> is compared with <paramref name="earlier"/>: by ids when they share V8's numbering of
    /// objects (one inspector session), by paths when they do not but run the same program. Throws
    /// <see cref="ErrorKind.NotComparable"/> otherwise; <paramref name="earlierName"/> and <paramref name="laterName"/>
    /// name them to the user.
    /// </summary>
    public static SnapshotMatching EnsureComparable(SnapshotDigest earlier, SnapshotDigest later, string? earlierName = null, string? laterName = null)
    {
        var check = Comparability.Check(earlier, later);
        if (!check.Comparable)
            throw new HeapdogException(ErrorKind.NotComparable,
                $"{earlierName ?? $"'{earlier.Source}'"} and {laterName ?? $"'{later.Source}'"} cannot be compared: {check.Reason}");
        return check.Matching;
    }

    /// <summary>The name of a matching in JSON and text: <c>ids</c> or <c>paths</c>.</summary>
    public static string Name(SnapshotMatching matching) => matching == SnapshotMatching.Paths ? "paths" : "ids";

    /// <summary>The one line text output adds when snapshots were matched by paths.</summary>
    public const string PathsNote =
        "Matched by paths: the snapshots' object ids do not line up (separate inspector sessions, a restart or another replica), " +
        "so there is no # New or # Deleted per object; classes are compared by their totals and collections by their path from the GC roots.";
}
