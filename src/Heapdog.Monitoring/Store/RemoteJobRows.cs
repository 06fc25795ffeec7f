using System.Data;
using Heapdog.Monitoring.Fleet;

namespace Heapdog.Monitoring.Store;

/// <summary>The <c>remote_jobs</c> table's columns, the same in both stores: a <see cref="RemoteJobRecord"/> as
/// parameters, and read back from a row.</summary>
internal static class RemoteJobRows
{
    public static readonly string[] Columns =
    [
        "id", "host", "process_id", "kind", "pid", "start_time_ms", "request", "state", "attempts", "created_ms", "ended_ms", "error", "result",
        "upload_offset", "upload_path", "upload_bytes", "sha256", "snapshot_id",
    ];

    /// <summary><c>INSERT … ON CONFLICT (id) DO UPDATE</c> of every column, its parameters named with <paramref name="prefix"/>
    /// (<c>$</c> for SQLite, <c>@</c> for PostgreSQL).</summary>
    public static string Upsert(char prefix) =>
        $"INSERT INTO remote_jobs ({string.Join(", ", Columns)}) VALUES ({string.Join(", ", Columns.Select(c => prefix + c))}) "
        + "ON CONFLICT (id) DO UPDATE SET " + string.Join(", ", Columns.Skip(1).Select(c => $"{c} = EXCLUDED.{c}"));

    public static string Select => $"SELECT {string.Join(", ", Columns)} FROM remote_jobs ORDER BY id";

    /// <summary>The statement that forgets ended jobs but the newest <c>keep</c> (parameter named with <paramref name="prefix"/>).</summary>
    public static string Prune(char prefix) => $"""
        DELETE FROM remote_jobs WHERE state IN ('{RemoteJobState.Done}', '{RemoteJobState.Failed}', '{RemoteJobState.Cancelled}')
            AND id NOT IN (SELECT id FROM remote_jobs WHERE state IN ('{RemoteJobState.Done}', '{RemoteJobState.Failed}', '{RemoteJobState.Cancelled}')
                ORDER BY id DESC LIMIT {prefix}keep)
        """;

    public static (string Name, object? Value)[] Values(RemoteJobRecord j) =>
    [
        ("id", j.Id), ("host", j.Host), ("process_id", j.ProcessId), ("kind", j.Kind), ("pid", j.Pid), ("start_time_ms", j.StartTimeMs),
        ("request", j.Request), ("state", j.State), ("attempts", j.Attempts), ("created_ms", j.CreatedMs), ("ended_ms", j.EndedMs),
        ("error", j.Error), ("result", j.Result), ("upload_offset", j.UploadOffset), ("upload_path", j.UploadPath),
        ("upload_bytes", j.UploadBytes), ("sha256", j.Sha256), ("snapshot_id", j.SnapshotId),
    ];

    public static RemoteJobRecord Read(IDataRecord r)
    {
        long? Long(int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        return new RemoteJobRecord(r.GetInt64(0), r.GetString(1), Long(2), r.GetString(3), r.GetInt32(4), r.GetInt64(5), r.GetString(6),
            r.GetString(7), r.GetInt32(8), r.GetInt64(9), Long(10), Text(11), Text(12), r.GetInt64(13), Text(14), r.GetInt64(15), Text(16), Long(17));
    }
}
