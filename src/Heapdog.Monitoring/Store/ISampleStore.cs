using Heapdog.Processes;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The store as the watch loop, <c>heapdog import</c> and <c>heapdog oom</c> use it: one writer that records processes,
/// sample batches and events, and reads them back. Implemented on SQLite (<see cref="SampleStore"/>, the embedded
/// default) and PostgreSQL (<see cref="PostgresStore"/>, a fleet's central store); both pass the same contract tests.
/// Every failure to open or write is a <see cref="StoreException"/>.
/// </summary>
public interface ISampleStore : IDisposable
{
    /// <summary>"sqlite" or "postgresql" (<see cref="StoreAddress"/>).</summary>
    string Kind { get; }

    /// <summary>Where the store is, as shown to users: a SQLite file's full path, or a PostgreSQL URL without its
    /// password.</summary>
    string Location { get; }

    int SchemaVersion { get; }

    /// <summary>Finds or adds the process row for this identity and marks it seen at <paramref name="nowMs"/>, with the
    /// container and pod it runs in when <paramref name="place"/> tells them (a part not told keeps what is stored).</summary>
    WatchedProcess UpsertProcess(ProcessIdentity identity, string name, string commandLine, long startTimeMs, string? pm2Name, long nowMs,
        ProcessPlace? place = null);

    /// <summary>Writes a batch in one transaction: when this returns the samples are durable; a sample already stored
    /// (same process and time) is replaced, so a batch written twice is stored once.</summary>
    void AddSamples(IReadOnlyList<(long ProcessId, Sample Sample)> batch);

    /// <summary>Samples of a process between two times (inclusive), oldest first: per-minute rows (time = middle of the
    /// minute) where raw ones were rolled up, raw ones after.</summary>
    IReadOnlyList<Sample> ReadSamples(long processId, long fromMs = long.MinValue, long toMs = long.MaxValue);

    /// <summary>Raw samples (not rolled up) of one process, or of all.</summary>
    long CountSamples(long? processId = null);

    /// <summary>The processes with this pid, most recently seen first.</summary>
    IReadOnlyList<WatchedProcess> FindByPid(int pid);

    /// <summary>Every process in the store, most recently seen first.</summary>
    IReadOnlyList<WatchedProcess> AllProcesses();

    /// <summary>The process with this pid that was alive at <paramref name="timeMs"/>: started before it and last seen no
    /// more than <paramref name="slackMs"/> before it. Null when no watched process fits.</summary>
    WatchedProcess? FindAlive(int pid, long timeMs, long slackMs);

    long LastSeenMs(long processId);

    void AddEvent(long? processId, long timeMs, string kind, string detailJson);

    IReadOnlyList<StoredEvent> ReadEvents(long? processId, long fromMs = long.MinValue, long toMs = long.MaxValue);

    /// <summary>Rolls raw samples older than <see cref="RetentionPolicy.Raw"/> into per-minute rows, drops per-minute rows
    /// older than <see cref="RetentionPolicy.PerMinute"/> and processes with nothing left. Returns the raw rows rolled up.</summary>
    int ApplyRetention(RetentionPolicy policy, long nowMs);
}
