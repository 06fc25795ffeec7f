using System.Data.Common;

namespace Heapdog.Monitoring.Store;

/// <summary>Something that happened to a watched process (a snapshot taken, a hook run, a verdict changed).
/// <see cref="Kind"/> is one of <see cref="EventKind"/>; <see cref="Detail"/> is a JSON object.</summary>
public sealed record StoredEvent(long Id, long? ProcessId, long TimeMs, string Kind, string Detail)
{
    /// <summary>One row of <c>SELECT id, process_id, time_ms, kind, detail FROM events</c>, its detail upgraded to
    /// today's shape (<see cref="EventDetail"/>).</summary>
    internal static StoredEvent Read(DbDataReader r)
    {
        string kind = r.GetString(3);
        return new StoredEvent(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.GetInt64(2), kind, EventDetail.Upgrade(kind, r.GetString(4)));
    }
}
