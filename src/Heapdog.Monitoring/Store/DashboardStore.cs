using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The store as the dashboard's request threads use it: one pooled connection per call, so any number of requests can
/// read while the watcher (which keeps its own <see cref="SampleStore"/>) writes. WAL lets readers run beside the
/// writer; the few writes here (snapshot records, events) wait for the watcher's transaction through the busy timeout.
/// Open the <see cref="SampleStore"/> first: it creates and migrates the file.
/// </summary>
public sealed class DashboardStore(string path) : IDashboardStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 10,
    }.ToString();

    /// <summary>The series a chart can ask for, by their JSON name, with the SQL column each comes from.</summary>
    public static readonly IReadOnlyList<(string Name, string Column)> SeriesColumns =
    [
        ("rss", "rss"), ("heapUsed", "heap_used"), ("heapTotal", "heap_total"), ("v8Heap", "v8_heap"), ("native", "native"),
        ("external", "external"), ("arrayBuffers", "array_buffers"), ("heapLimit", "heap_limit"), ("cgroupUsage", "cgroup_usage"),
        ("cgroupLimit", "cgroup_limit"), ("oomScore", "oom_score"), ("cpuPercent", "cpu_percent"),
    ];

    public string Kind => StoreAddress.Sqlite;

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var pragma = c.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys=ON";
        pragma.ExecuteNonQuery();
        return c;
    }

    /// <summary>Every process with when it was first and last seen, most recently seen first.</summary>
    public IReadOnlyList<StoredProcess> Processes(long? id = null)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, pid, start_ticks, name, command_line, start_time_ms, pm2_name, first_seen_ms, last_seen_ms, host, container, pod FROM processes"
            + (id is null ? "" : " WHERE id = $id") + " ORDER BY last_seen_ms DESC";
        if (id is not null) cmd.Parameters.AddWithValue("$id", id.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredProcess>();
        while (r.Read())
            list.Add(new StoredProcess(
                new WatchedProcess(r.GetInt64(0), new Processes.ProcessIdentity(r.GetInt32(1), r.GetInt64(2)), r.GetString(3), r.GetString(4),
                    r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6)),
                r.GetInt64(7), r.GetInt64(8), r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11)));
        return list;
    }

    /// <summary>The latest raw sample of a process, or null.</summary>
    public Sample? LatestSample(long processId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT time_ms, {SampleColumns.Names} FROM samples WHERE process_id = $p ORDER BY time_ms DESC LIMIT 1";
        cmd.Parameters.AddWithValue("$p", processId);
        using var r = cmd.ExecuteReader();
        return r.Read() ? SampleColumns.Read(r) : null;
    }

    /// <summary>Every sample of a process, oldest first: per-minute rows (time = middle of the minute) where raw ones
    /// were rolled up, raw ones after.</summary>
    public IReadOnlyList<Sample> Samples(long processId)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            SELECT minute_ms + 30000 AS t, {SampleColumns.Names} FROM samples_minute WHERE process_id = $p
            UNION ALL
            SELECT time_ms AS t, {SampleColumns.Names} FROM samples WHERE process_id = $p
            ORDER BY t
            """;
        cmd.Parameters.AddWithValue("$p", processId);
        using var r = cmd.ExecuteReader();
        var result = new List<Sample>();
        while (r.Read()) result.Add(SampleColumns.Read(r));
        return result;
    }

    /// <summary>
    /// The samples of a process between two times, bucketed into at most <paramref name="points"/> points of equal
    /// width: per bucket the maximum of each memory figure (a limit is crossed by peaks, not averages) and the mean of
    /// the CPU figure. Per-minute rollups stand in where raw samples were rolled up. "Not measured" (-1) is left out of
    /// every aggregate; a bucket with no measurement of a figure gives null.
    /// </summary>
    public SampleSeries Series(long processId, long fromMs, long toMs, int points)
    {
        long step = SeriesBuckets.Step(fromMs, toMs, points);
        string columns = SeriesBuckets.Columns;
        // Per-minute rollups (older) then raw samples, each read in primary-key order, so rows arrive in time order
        // and are bucketed here in one pass: a SQL GROUP BY would sort every row into a temporary B-tree first.
        // The rollup's range is on its key (minute_ms), not on the computed mid-minute time, so the index is used.
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"""
            SELECT minute_ms + 30000, {columns} FROM samples_minute WHERE process_id = $p AND minute_ms BETWEEN $from - 30000 AND $to - 30000
            UNION ALL
            SELECT time_ms, {columns} FROM samples WHERE process_id = $p AND time_ms BETWEEN $from AND $to
            """;
        cmd.Parameters.AddWithValue("$p", processId);
        cmd.Parameters.AddWithValue("$from", fromMs);
        cmd.Parameters.AddWithValue("$to", toMs);
        using var r = cmd.ExecuteReader();
        return SeriesBuckets.Read(r, processId, fromMs, toMs, step);
    }

    public IReadOnlyList<StoredEvent> Events(long? processId, long fromMs, long toMs, IReadOnlyCollection<string>? kinds = null)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        var where = new StringBuilder("WHERE time_ms BETWEEN $f AND $to");
        if (processId is not null) where.Append(" AND process_id = $p");
        if (kinds is { Count: > 0 })
        {
            where.Append(" AND kind IN (");
            int i = 0;
            foreach (var k in kinds)
            {
                string name = "$k" + i.ToString(CultureInfo.InvariantCulture);
                where.Append(i++ == 0 ? name : ", " + name);
                cmd.Parameters.AddWithValue(name, k);
            }
            where.Append(')');
        }
        cmd.CommandText = $"SELECT id, process_id, time_ms, kind, detail FROM events {where} ORDER BY time_ms DESC LIMIT 10000";
        if (processId is not null) cmd.Parameters.AddWithValue("$p", processId.Value);
        cmd.Parameters.AddWithValue("$f", fromMs);
        cmd.Parameters.AddWithValue("$to", toMs);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredEvent>();
        while (r.Read()) list.Add(StoredEvent.Read(r));
        list.Reverse();
        return list;
    }

    public void AddEvent(long? processId, long timeMs, string kind, string detailJson) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO events (process_id, time_ms, kind, detail) VALUES ($p, $t, $k, $d)";
        cmd.Parameters.AddWithValue("$p", (object?)processId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$t", timeMs);
        cmd.Parameters.AddWithValue("$k", kind);
        cmd.Parameters.AddWithValue("$d", detailJson);
        return cmd.ExecuteNonQuery();
    });

    public StoredSnapshot AddSnapshot(long? processId, int? pid, string name, string file, long bytes, long createdMs, string source, string state) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO snapshots (process_id, pid, name, file, bytes, created_ms, source, state)
            VALUES ($proc, $pid, $name, $file, $bytes, $created, $source, $state) RETURNING id
            """;
        cmd.Parameters.AddWithValue("$proc", (object?)processId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$pid", (object?)pid ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$file", file);
        cmd.Parameters.AddWithValue("$bytes", bytes);
        cmd.Parameters.AddWithValue("$created", createdMs);
        cmd.Parameters.AddWithValue("$source", source);
        cmd.Parameters.AddWithValue("$state", state);
        long id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        return new StoredSnapshot(id, processId, pid, name, file, bytes, createdMs, source, state, null, null, null, null);
    });

    public void UpdateSnapshot(long id, string state, string? error = null, long? nodeCount = null, long? edgeCount = null, long? totalSize = null, string? file = null) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            UPDATE snapshots SET state = $state, error = $error, node_count = $nodes, edge_count = $edges, total_size = $total,
                file = COALESCE($file, file) WHERE id = $id
            """;
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$state", state);
        cmd.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$nodes", (object?)nodeCount ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$edges", (object?)edgeCount ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$total", (object?)totalSize ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$file", (object?)file ?? DBNull.Value);
        return cmd.ExecuteNonQuery();
    });

    public IReadOnlyList<StoredSnapshot> Snapshots(long? id = null)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, process_id, pid, name, file, bytes, created_ms, source, state, error, node_count, edge_count, total_size FROM snapshots"
            + (id is null ? "" : " WHERE id = $id") + " ORDER BY created_ms DESC, id DESC";
        if (id is not null) cmd.Parameters.AddWithValue("$id", id.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredSnapshot>();
        while (r.Read())
            list.Add(new StoredSnapshot(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetString(3),
                r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
                r.IsDBNull(10) ? null : r.GetInt64(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.IsDBNull(12) ? null : r.GetInt64(12)));
        return list;
    }

    public bool DeleteSnapshot(long id) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "DELETE FROM snapshots WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteNonQuery() > 0;
    });

    /// <summary>A write with a full or read-only store told as a <see cref="StoreException"/> naming the file.</summary>
    private T Writing<T>(Func<T> write)
    {
        try { return write(); }
        catch (Exception e) when (StoreFaults.Translate(e, path, "write") is { } fault) { throw fault; }
    }
}
