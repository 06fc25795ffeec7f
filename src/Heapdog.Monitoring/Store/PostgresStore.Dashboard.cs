using System.Globalization;
using Npgsql;

namespace Heapdog.Monitoring.Store;

/// <summary>The dashboard's side (<see cref="IDashboardStore"/>): reads from any request thread, snapshot records.</summary>
public sealed partial class PostgresStore
{
    public IReadOnlyList<StoredProcess> Processes(long? id = null) => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, "SELECT id, pid, start_ticks, name, command_line, start_time_ms, pm2_name, first_seen_ms, last_seen_ms, host, container, pod FROM processes"
            + (id is null ? "" : " WHERE id = @id") + " ORDER BY last_seen_ms DESC");
        if (id is { } only) cmd.Parameters.AddWithValue("id", only);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredProcess>();
        while (r.Read())
            list.Add(new StoredProcess(
                new WatchedProcess(r.GetInt64(0), new Processes.ProcessIdentity(r.GetInt32(1), r.GetInt64(2)), r.GetString(3), r.GetString(4),
                    r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6)),
                r.GetInt64(7), r.GetInt64(8), r.GetString(9), r.IsDBNull(10) ? null : r.GetString(10), r.IsDBNull(11) ? null : r.GetString(11)));
        return list;
    });

    public Sample? LatestSample(long processId) => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, $"SELECT time_ms, {SampleColumns.Names} FROM samples WHERE process_id = @p ORDER BY time_ms DESC LIMIT 1",
            ("p", processId));
        using var r = cmd.ExecuteReader();
        return r.Read() ? SampleColumns.Read(r) : null;
    });

    public IReadOnlyList<Sample> Samples(long processId) => ReadSamples(processId);

    /// <summary>The bucketing <see cref="SeriesBuckets"/> does, done by PostgreSQL: a chart is at most a few hundred
    /// rows on the wire instead of every sample of the range (26,000 for a week under the default retention).</summary>
    internal static readonly string BucketedSeries = $"""
        SELECT MIN(t), {string.Join(", ", DashboardStore.SeriesColumns.Select((c, i) => i == DashboardStore.SeriesColumns.Count - 1
            ? $"AVG(CASE WHEN {c.Column} >= 0 THEN {c.Column} END)::DOUBLE PRECISION"
            : $"MAX(CASE WHEN {c.Column} >= 0 THEN {c.Column} END)::DOUBLE PRECISION"))}
        FROM (
            SELECT minute_ms + 30000 AS t, {SeriesBuckets.Columns} FROM samples_minute WHERE process_id = @p AND minute_ms BETWEEN @mfrom AND @mto
            UNION ALL
            SELECT time_ms, {SeriesBuckets.Columns} FROM samples WHERE process_id = @p AND time_ms BETWEEN @from AND @to) rows
        GROUP BY (t - @from) / @step
        ORDER BY 1
        """;

    public SampleSeries Series(long processId, long fromMs, long toMs, int points) => Run("read", idempotent: true, c =>
    {
        long step = SeriesBuckets.Step(fromMs, toMs, points);
        using var cmd = Command(c, null, BucketedSeries, ("p", processId), ("from", fromMs), ("to", toMs), ("step", step),
            ("mfrom", MinuteKey(fromMs)), ("mto", MinuteKey(toMs)));
        using var r = cmd.ExecuteReader();
        return SeriesBuckets.ReadBuckets(r, processId, fromMs, toMs, step);
    });

    public IReadOnlyList<StoredEvent> Events(long? processId, long fromMs, long toMs, IReadOnlyCollection<string>? kinds = null) =>
        Run("read", idempotent: true, c =>
        {
            string where = "WHERE time_ms BETWEEN @f AND @to" + (processId is null ? "" : " AND process_id = @p")
                + (kinds is { Count: > 0 } ? " AND kind = ANY(@kinds)" : "");
            using var cmd = Command(c, null, $"SELECT id, process_id, time_ms, kind, detail FROM events {where} ORDER BY time_ms DESC, id DESC LIMIT 10000",
                ("f", fromMs), ("to", toMs));
            if (processId is { } id) cmd.Parameters.AddWithValue("p", id);
            if (kinds is { Count: > 0 }) cmd.Parameters.AddWithValue("kinds", kinds.ToArray());
            using var r = cmd.ExecuteReader();
            var list = new List<StoredEvent>();
            while (r.Read()) list.Add(StoredEvent.Read(r));
            list.Reverse();
            return list;
        });

    public StoredSnapshot AddSnapshot(long? processId, int? pid, string name, string file, long bytes, long createdMs, string source, string state) =>
        Run("write", idempotent: false, c =>
        {
            long id = Convert.ToInt64(Scalar(c, null, """
                INSERT INTO snapshots (process_id, pid, name, file, bytes, created_ms, source, state)
                VALUES (@proc, @pid, @name, @file, @bytes, @created, @source, @state) RETURNING id
                """, ("proc", processId), ("pid", pid), ("name", name), ("file", file), ("bytes", bytes), ("created", createdMs),
                ("source", source), ("state", state)), CultureInfo.InvariantCulture);
            return new StoredSnapshot(id, processId, pid, name, file, bytes, createdMs, source, state, null, null, null, null);
        });

    public void UpdateSnapshot(long id, string state, string? error = null, long? nodeCount = null, long? edgeCount = null, long? totalSize = null, string? file = null) =>
        Run("write", idempotent: true, c =>
        {
            using var cmd = Command(c, null, """
                UPDATE snapshots SET state = @state, error = @error, node_count = @nodes, edge_count = @edges, total_size = @total,
                    file = COALESCE(@file, file) WHERE id = @id
                """, ("id", id), ("state", state), ("error", error), ("nodes", nodeCount), ("edges", edgeCount), ("total", totalSize));
            // Typed: PostgreSQL cannot infer a type for a bare NULL inside COALESCE's first argument from the column alone.
            cmd.Parameters.Add(new NpgsqlParameter<string?>("file", NpgsqlTypes.NpgsqlDbType.Text) { TypedValue = file });
            return cmd.ExecuteNonQuery();
        });

    public IReadOnlyList<StoredSnapshot> Snapshots(long? id = null) => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, "SELECT id, process_id, pid, name, file, bytes, created_ms, source, state, error, node_count, edge_count, total_size FROM snapshots"
            + (id is null ? "" : " WHERE id = @id") + " ORDER BY created_ms DESC, id DESC");
        if (id is { } only) cmd.Parameters.AddWithValue("id", only);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredSnapshot>();
        while (r.Read())
            list.Add(new StoredSnapshot(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt32(2), r.GetString(3),
                r.GetString(4), r.GetInt64(5), r.GetInt64(6), r.GetString(7), r.GetString(8), r.IsDBNull(9) ? null : r.GetString(9),
                r.IsDBNull(10) ? null : r.GetInt64(10), r.IsDBNull(11) ? null : r.GetInt64(11), r.IsDBNull(12) ? null : r.GetInt64(12)));
        return list;
    });

    public bool DeleteSnapshot(long id) => Run("write", idempotent: true, c =>
        Exec(c, null, "DELETE FROM snapshots WHERE id = @id", ("id", id)) > 0);
}
