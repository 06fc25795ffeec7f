using Heapdog.Monitoring.Oom;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The kinds of <see cref="StoredEvent"/>: the <c>kind</c> column of the store's <c>events</c> table and the
/// <c>kind</c> of an event on the dashboard's API (docs/api.md). Old stores and clients hold these strings, so a value
/// is never renamed; the web UI's copy is <c>web/src/contract.ts</c>.
/// </summary>
public static class EventKind
{
    /// <summary>A watched process vanished (the watcher).</summary>
    public const string Exited = "exited";

    /// <summary>A watched process vanished while its cgroup's oom_kill counter rose (the watcher).</summary>
    public const string ExitedOomKill = "exited-oom-kill";

    /// <summary>The kernel's log names a watched process as killed by the OOM killer (the dashboard's log scan).</summary>
    public const string OomKill = "oom-kill";

    /// <summary>A log the dashboard's scan reads holds a watched process's "JavaScript heap out of memory" (V8 hit its
    /// heap limit and aborted).</summary>
    public const string HeapOom = "heap-oom";

    /// <summary>A heap snapshot was written; detail <c>{reason, path, bytes}</c> (bytes a number), plus
    /// <c>snapshotId</c> when the dashboard took it.</summary>
    public const string Snapshot = "snapshot";

    /// <summary>A snapshot rule fired but taking the snapshot failed; detail <c>{reason, error}</c>.</summary>
    public const string SnapshotFailed = "snapshot-failed";

    /// <summary>A snapshot rule fired but a limit of the policy held it back; detail <c>{reason, why}</c>.</summary>
    public const string SnapshotSkipped = "snapshot-skipped";

    /// <summary>A process's verdict turned to "growing" (the hooks' <c>leak-verdict</c> event).</summary>
    public const string LeakVerdict = "leak-verdict";

    /// <summary>A watched process died of memory (the hooks' <c>oom-death</c> event).</summary>
    public const string OomDeath = "oom-death";

    /// <summary>The kinds that mean a process died for lack of memory.</summary>
    public static readonly IReadOnlyList<string> OutOfMemory = [ExitedOomKill, OomKill, HeapOom];

    /// <summary>The event a death found in a log is recorded as: V8's own heap limit is <see cref="HeapOom"/>,
    /// anything else (the kernel's or a cgroup's OOM killer, pm2's memory restart) <see cref="OomKill"/>.</summary>
    public static string Of(OomEventKind kind) => kind == OomEventKind.V8HeapOom ? HeapOom : OomKill;
}
