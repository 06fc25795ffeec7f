namespace Heapdog.Monitoring.Store;

/// <summary>
/// Where a <see cref="StoredSnapshot"/>'s analysis stands: the <c>state</c> column of the store's <c>snapshots</c>
/// table and the <c>state</c> of a snapshot on the dashboard's API (docs/api.md). Stored, so never renamed; the web UI's
/// copy is <c>web/src/contract.ts</c>.
/// </summary>
public static class SnapshotState
{
    /// <summary>Registered and not analysed yet, or its analysis was cancelled.</summary>
    public const string New = "new";

    /// <summary>Its analysis is running.</summary>
    public const string Analysing = "analysing";

    /// <summary>Analysed: the analysis is in memory, or in its index beside the file to be reopened.</summary>
    public const string Ready = "ready";

    /// <summary>The analysis failed; the snapshot's <c>error</c> says why.</summary>
    public const string Failed = "failed";
}
