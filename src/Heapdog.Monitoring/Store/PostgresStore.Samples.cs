using System.Globalization;
using Heapdog.Processes;
using Npgsql;
using NpgsqlTypes;

namespace Heapdog.Monitoring.Store;

/// <summary>The writer's side (<see cref="ISampleStore"/>): processes, sample batches, events, retention.</summary>
public sealed partial class PostgresStore
{
    /// <summary>One statement for any batch: each column is one array parameter, so the text never changes and is
    /// prepared once per connection. A sample already stored is replaced, as SQLite's <c>INSERT OR REPLACE</c> does.</summary>
    private static readonly string InsertSamples =
        $"INSERT INTO samples (process_id, time_ms, {SampleColumns.Names}) SELECT * FROM unnest(@p, @t, "
        + string.Join(", ", SampleColumns.All.Select((_, i) => "@c" + i.ToString(CultureInfo.InvariantCulture)))
        + ") ON CONFLICT (process_id, time_ms) DO UPDATE SET "
        + string.Join(", ", SampleColumns.All.Select(c => $"{c.Name} = EXCLUDED.{c.Name}"));

    private const string MarkSeen = """
        UPDATE processes p SET last_seen_ms = GREATEST(p.last_seen_ms, v.t)
        FROM unnest(@ids, @times) AS v(id, t) WHERE p.id = v.id
        """;

    public WatchedProcess UpsertProcess(ProcessIdentity identity, string name, string commandLine, long startTimeMs, string? pm2Name, long nowMs,
        ProcessPlace? place = null) =>
        Run("write", idempotent: true, c =>
        {
            long id = Convert.ToInt64(Scalar(c, null, """
                INSERT INTO processes (pid, start_ticks, start_time_ms, name, command_line, pm2_name, container, pod, first_seen_ms, last_seen_ms)
                VALUES (@pid, @ticks, @start, @name, @cmd, @pm2, @container, @pod, @now, @now)
                ON CONFLICT (host, pid, start_time_ms) DO UPDATE SET last_seen_ms = GREATEST(processes.last_seen_ms, EXCLUDED.last_seen_ms),
                    name = EXCLUDED.name, pm2_name = COALESCE(EXCLUDED.pm2_name, processes.pm2_name),
                    container = COALESCE(EXCLUDED.container, processes.container), pod = COALESCE(EXCLUDED.pod, processes.pod)
                RETURNING id
                """, ("pid", identity.Pid), ("ticks", identity.StartTicks), ("start", startTimeMs), ("name", name), ("cmd", commandLine),
                ("pm2", pm2Name), ("container", place?.Container), ("pod", place?.Pod), ("now", nowMs)), CultureInfo.InvariantCulture);
            return new WatchedProcess(id, identity, name, commandLine, startTimeMs, pm2Name);
        });

    public void AddSamples(IReadOnlyList<(long ProcessId, Sample Sample)> batch)
    {
        if (batch.Count == 0) return;
        // One row per (process, time), the last one given winning as in SQLite: ON CONFLICT may not touch a row twice
        // in one statement. Sorted, so concurrent batches lock the same rows in the same order.
        var rows = new SortedDictionary<(long, long), Sample>();
        foreach (var (processId, s) in batch) rows[(processId, s.TimeMs)] = s;
        var columns = SampleColumns.All;
        int n = rows.Count;
        var processIds = new long[n];
        var times = new long[n];
        var values = new Array[columns.Length];
        for (int c = 0; c < columns.Length; c++) values[c] = columns[c].Real ? new double[n] : new long[n];
        var lastSeen = new SortedDictionary<long, long>();
        int i = 0;
        foreach (var ((processId, time), s) in rows)
        {
            processIds[i] = processId;
            times[i] = time;
            for (int c = 0; c < columns.Length; c++)
            {
                double v = columns[c].Get(s);
                if (columns[c].Real) ((double[])values[c])[i] = v;
                else ((long[])values[c])[i] = (long)v;
            }
            lastSeen[processId] = Math.Max(lastSeen.GetValueOrDefault(processId, long.MinValue), time);
            i++;
        }
        Run("write", idempotent: true, c =>
        {
            using var t = c.BeginTransaction();
            using (var insert = new NpgsqlCommand(InsertSamples, c, t))
            {
                insert.Parameters.Add(new NpgsqlParameter<long[]>("p", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = processIds });
                insert.Parameters.Add(new NpgsqlParameter<long[]>("t", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = times });
                for (int k = 0; k < columns.Length; k++)
                {
                    string name = "c" + k.ToString(CultureInfo.InvariantCulture);
                    insert.Parameters.Add(columns[k].Real
                        ? new NpgsqlParameter<double[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = (double[])values[k] }
                        : new NpgsqlParameter<long[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = (long[])values[k] });
                }
                insert.ExecuteNonQuery();
            }
            using (var seen = new NpgsqlCommand(MarkSeen, c, t))
            {
                seen.Parameters.Add(new NpgsqlParameter<long[]>("ids", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. lastSeen.Keys] });
                seen.Parameters.Add(new NpgsqlParameter<long[]>("times", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. lastSeen.Values] });
                seen.ExecuteNonQuery();
            }
            t.Commit();
            return true;
        });
    }

    public IReadOnlyList<Sample> ReadSamples(long processId, long fromMs = long.MinValue, long toMs = long.MaxValue) =>
        Run("read", idempotent: true, c => ReadSampleRows(c, processId, fromMs, toMs));

    private static List<Sample> ReadSampleRows(NpgsqlConnection c, long processId, long fromMs, long toMs)
    {
        // The rollups' range is on their key (minute_ms), the mid-minute time computed in C#: PostgreSQL's bigint
        // arithmetic on long.MinValue/MaxValue would overflow where SQLite's goes to floating point.
        using var cmd = Command(c, null, $"""
            SELECT minute_ms + 30000 AS t, {SampleColumns.Names} FROM samples_minute
                WHERE process_id = @p AND minute_ms BETWEEN @mfrom AND @mto
            UNION ALL
            SELECT time_ms AS t, {SampleColumns.Names} FROM samples WHERE process_id = @p AND time_ms BETWEEN @from AND @to
            ORDER BY t
            """, ("p", processId), ("from", fromMs), ("to", toMs), ("mfrom", MinuteKey(fromMs)), ("mto", MinuteKey(toMs)));
        using var r = cmd.ExecuteReader();
        var result = new List<Sample>();
        while (r.Read()) result.Add(SampleColumns.Read(r));
        return result;
    }

    /// <summary>The rollup key whose mid-minute time is <paramref name="timeMs"/>, saturated at the ends of long.</summary>
    internal static long MinuteKey(long timeMs) => timeMs <= long.MinValue + 30000 ? long.MinValue : timeMs - 30000;

    public long CountSamples(long? processId = null) => Run("read", idempotent: true, c => Convert.ToInt64(processId is null
        ? Scalar(c, null, "SELECT COUNT(*) FROM samples")
        : Scalar(c, null, "SELECT COUNT(*) FROM samples WHERE process_id = @p", ("p", processId.Value)), CultureInfo.InvariantCulture));

    /// <summary>The processes of this host with this pid (a pid names a process of one host: those agents reported from
    /// other hosts are left out).</summary>
    public IReadOnlyList<WatchedProcess> FindByPid(int pid) => QueryProcesses("WHERE host = '' AND pid = @pid ORDER BY last_seen_ms DESC", ("pid", pid));

    public IReadOnlyList<WatchedProcess> AllProcesses() => QueryProcesses("ORDER BY last_seen_ms DESC");

    public WatchedProcess? FindAlive(int pid, long timeMs, long slackMs) =>
        QueryProcesses("WHERE host = '' AND pid = @pid AND start_time_ms <= @t + 2000 AND last_seen_ms >= @t - @slack ORDER BY start_time_ms DESC LIMIT 1",
            ("pid", pid), ("t", timeMs), ("slack", slackMs)).FirstOrDefault();

    public long LastSeenMs(long processId) => Run("read", idempotent: true, c =>
        Convert.ToInt64(Scalar(c, null, "SELECT last_seen_ms FROM processes WHERE id = @p", ("p", processId)), CultureInfo.InvariantCulture));

    private List<WatchedProcess> QueryProcesses(string where, params (string Name, object? Value)[] parameters) => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, "SELECT id, pid, start_ticks, name, command_line, start_time_ms, pm2_name FROM processes " + where, parameters);
        using var r = cmd.ExecuteReader();
        var list = new List<WatchedProcess>();
        while (r.Read())
            list.Add(new WatchedProcess(r.GetInt64(0), new ProcessIdentity(r.GetInt32(1), r.GetInt64(2)), r.GetString(3), r.GetString(4),
                r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6)));
        return list;
    });

    public void AddEvent(long? processId, long timeMs, string kind, string detailJson) => Run("write", idempotent: false, c =>
        Exec(c, null, "INSERT INTO events (process_id, time_ms, kind, detail) VALUES (@p, @t, @k, @d)",
            ("p", processId), ("t", timeMs), ("k", kind), ("d", detailJson)));

    public IReadOnlyList<StoredEvent> ReadEvents(long? processId, long fromMs = long.MinValue, long toMs = long.MaxValue) =>
        Run("read", idempotent: true, c =>
        {
            using var cmd = Command(c, null, "SELECT id, process_id, time_ms, kind, detail FROM events WHERE time_ms BETWEEN @f AND @to"
                + (processId is null ? "" : " AND process_id = @p") + " ORDER BY time_ms, id", ("f", fromMs), ("to", toMs));
            if (processId is { } id) cmd.Parameters.AddWithValue("p", id);
            using var r = cmd.ExecuteReader();
            var list = new List<StoredEvent>();
            while (r.Read()) list.Add(StoredEvent.Read(r));
            return list;
        });

    public int ApplyRetention(RetentionPolicy policy, long nowMs) => Run("write", idempotent: true, c =>
    {
        // Whole minutes only, so a minute is never rolled up from half its samples. The deletes by time find their
        // pages through the BRIN indexes.
        long rawCut = (nowMs - (long)policy.Raw.TotalMilliseconds) / 60000 * 60000;
        long minuteCut = nowMs - (long)policy.PerMinute.TotalMilliseconds;
        string aggregates = string.Join(", ", SampleColumns.All.Select(SampleColumns.PostgresAggregate));
        using var t = c.BeginTransaction();
        Exec(c, t, $"""
            INSERT INTO samples_minute (process_id, minute_ms, n, {SampleColumns.Names})
            SELECT process_id, time_ms / 60000 * 60000, COUNT(*), {aggregates} FROM samples WHERE time_ms < @raw
            GROUP BY process_id, time_ms / 60000
            ON CONFLICT (process_id, minute_ms) DO UPDATE SET n = EXCLUDED.n, {string.Join(", ", SampleColumns.All.Select(col => $"{col.Name} = EXCLUDED.{col.Name}"))}
            """, ("raw", rawCut));
        int rolled = Exec(c, t, "DELETE FROM samples WHERE time_ms < @raw", ("raw", rawCut));
        Exec(c, t, "DELETE FROM samples_minute WHERE minute_ms < @cut", ("cut", minuteCut));
        Exec(c, t, "DELETE FROM events WHERE time_ms < @cut", ("cut", minuteCut));
        Exec(c, t, "DELETE FROM processes WHERE last_seen_ms < @cut", ("cut", minuteCut));
        t.Commit();
        return rolled;
    });
}
