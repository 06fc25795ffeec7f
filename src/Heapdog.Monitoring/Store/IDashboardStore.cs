namespace Heapdog.Monitoring.Store;

/// <summary>
/// The store as the dashboard's request threads use it: any number of concurrent reads beside the watcher's writes,
/// and the few writes the dashboard makes itself (snapshot records, events). Implemented on SQLite
/// (<see cref="DashboardStore"/>) and PostgreSQL (<see cref="PostgresStore"/>).
/// </summary>
public interface IDashboardStore
{
    /// <summary>"sqlite" or "postgresql" (<see cref="StoreAddress"/>).</summary>
    string Kind { get; }

    /// <summary>Every process with when it was first and last seen, most recently seen first.</summary>
    IReadOnlyList<StoredProcess> Processes(long? id = null);

    /// <summary>The latest raw sample of a process, or null.</summary>
    Sample? LatestSample(long processId);

    /// <summary>Every sample of a process, oldest first: per-minute rows (time = middle of the minute) where raw ones
    /// were rolled up, raw ones after.</summary>
    IReadOnlyList<Sample> Samples(long processId);

    /// <summary>
    /// The samples of a process between two times, bucketed into at most <paramref name="points"/> points of equal
    /// width: per bucket the maximum of each memory figure (a limit is crossed by peaks, not averages) and the mean of
    /// the CPU figure. Per-minute rollups stand in where raw samples were rolled up. "Not measured" (-1) is left out of
    /// every aggregate; a bucket with no measurement of a figure gives null.
    /// </summary>
    SampleSeries Series(long processId, long fromMs, long toMs, int points);

    /// <summary>Events between two times (at most the latest 10,000), oldest first.</summary>
    IReadOnlyList<StoredEvent> Events(long? processId, long fromMs, long toMs, IReadOnlyCollection<string>? kinds = null);

    void AddEvent(long? processId, long timeMs, string kind, string detailJson);

    StoredSnapshot AddSnapshot(long? processId, int? pid, string name, string file, long bytes, long createdMs, string source, string state);

    void UpdateSnapshot(long id, string state, string? error = null, long? nodeCount = null, long? edgeCount = null, long? totalSize = null, string? file = null);

    /// <summary>Every snapshot (or the one with this id), newest first.</summary>
    IReadOnlyList<StoredSnapshot> Snapshots(long? id = null);

    bool DeleteSnapshot(long id);
}
