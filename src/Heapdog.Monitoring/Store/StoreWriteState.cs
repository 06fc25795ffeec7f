namespace Heapdog.Monitoring.Store;

/// <summary>
/// Whether the store takes the watcher's writes, as last seen by the watch loop: what <c>serve</c>'s health and its
/// dashboard banner show while the store is full or read-only. Written by the watch loop, read by request threads,
/// so it is one immutable value swapped whole.
/// </summary>
public sealed class StoreWriteState
{
    private volatile Status _current = new(true, null, null, null);

    /// <param name="Writable">The last write (or the store's opening) succeeded.</param>
    /// <param name="Reason">Why not: "disk full", "read-only", "unreachable" or "I/O error"; null while writable.</param>
    /// <param name="SinceMs">When writes started failing (Unix ms); null while writable.</param>
    /// <param name="Message">The failure's one-line message, naming the store; null while writable.</param>
    public sealed record Status(bool Writable, string? Reason, long? SinceMs, string? Message);

    public Status Current => _current;

    public void Failed(StoreException e, long nowMs)
    {
        string reason = e.Problem switch
        {
            StoreProblem.DiskFull => "disk full",
            StoreProblem.ReadOnly => "read-only",
            StoreProblem.Unreachable => "unreachable",
            _ => "I/O error",
        };
        // The first failure's time is kept: "since" says how long samples have been missing.
        _current = new Status(false, reason, _current.SinceMs ?? nowMs, e.Message);
    }

    public void Recovered() => _current = new Status(true, null, null, null);
}
