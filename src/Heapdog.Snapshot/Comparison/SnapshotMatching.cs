namespace Heapdog.Snapshot.Comparison;

/// <summary>How objects of two snapshots are matched (docs/diff.md, docs/leaks.md).</summary>
public enum SnapshotMatching
{
    /// <summary>By V8's object ids: the snapshots come from one inspector session of one process.</summary>
    Ids,

    /// <summary>
    /// Without ids: classes by their key, collections by their property path from the roots. Ids do not line up
    /// (another inspector session, a restart, another replica of the same program), so objects cannot be followed.
    /// </summary>
    Paths,
}
