namespace Heapdog.Leaks;

/// <summary>
/// Two snapshots of a <see cref="LeakSeries"/> cannot be compared: they are of two different programs, or of one
/// inspector session given newest first. The message is written to be shown as it is.
/// </summary>
public sealed class SnapshotsNotComparableException : Exception
{
    public SnapshotsNotComparableException(string earlierLabel, string laterLabel, string reason)
        : base($"snapshots {earlierLabel} and {laterLabel} cannot be compared: {reason}")
    {
        EarlierLabel = earlierLabel;
        LaterLabel = laterLabel;
        Reason = reason;
    }

    /// <summary>The label of the snapshot given first (meant to be the older).</summary>
    public string EarlierLabel { get; }

    /// <summary>The label of the snapshot given after it.</summary>
    public string LaterLabel { get; }

    /// <summary>Why not, from <see cref="Heapdog.Snapshot.Comparison.Comparability"/>.</summary>
    public string Reason { get; }
}
