using System.Globalization;
using Heapdog.Monitoring.Fleet;
using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The fleet's side of the server's store (docs/fleet.md): agent tokens, the hosts that report, and the batches agents
/// ship, applied idempotently. Kept apart from <see cref="DashboardStore"/>, as each engine gives the same operations
/// its own twin (PostgreSQL's is <see cref="PostgresStore"/>). Like the dashboard's, each call takes one pooled connection; a batch is applied in one
/// immediate transaction, so it waits for the watcher's writes through the busy timeout rather than failing.
/// Open the <see cref="SampleStore"/> first: it creates and migrates the file.
/// </summary>
public sealed class FleetStore(string path) : IFleetStore
{
    private readonly string _connectionString = new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = 30,
    }.ToString();

    private SqliteConnection Open()
    {
        var c = new SqliteConnection(_connectionString);
        c.Open();
        using var pragma = c.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL";
        pragma.ExecuteNonQuery();
        return c;
    }

    /// <summary>Adds a token, or gives a revoked one of the same name a new hash. False when a token of that name is in use.</summary>
    public bool AddToken(string name, byte[] hash, long nowMs) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            INSERT INTO agent_tokens (name, hash, created_ms) VALUES ($n, $h, $t)
            ON CONFLICT (name) DO UPDATE SET hash = $h, created_ms = $t, revoked_ms = NULL, last_used_ms = NULL WHERE revoked_ms IS NOT NULL
            """;
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$h", hash);
        cmd.Parameters.AddWithValue("$t", nowMs);
        return cmd.ExecuteNonQuery() > 0;
    });

    /// <summary>Revokes the token in use under <paramref name="name"/>; false when there is none.</summary>
    public bool RevokeToken(string name, long nowMs) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "UPDATE agent_tokens SET revoked_ms = $t WHERE name = $n AND revoked_ms IS NULL";
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$t", nowMs);
        return cmd.ExecuteNonQuery() > 0;
    });

    /// <summary>Every token, revoked ones too, by name.</summary>
    public IReadOnlyList<AgentTokenRecord> Tokens()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name, hash, created_ms, revoked_ms, last_used_ms FROM agent_tokens ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<AgentTokenRecord>();
        while (r.Read())
            list.Add(new AgentTokenRecord(r.GetString(0), (byte[])r.GetValue(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetInt64(4)));
        return list;
    }

    /// <summary>
    /// Applies a batch shipped by the agent token <paramref name="agent"/>, or recognises it as applied before: the
    /// agent's last applied sequence is read and written in the same transaction as the rows, so a batch retried after
    /// a lost answer (or a server killed between commit and answer) is never applied twice.
    /// </summary>
    /// <exception cref="InvalidDataException">A row refers to a process the batch does not describe.</exception>
    /// <exception cref="HostClaimedException">The host reports with another agent token.</exception>
    public BatchOutcome ApplyBatch(string agent, AgentBatch batch, long nowMs) => Writing(() =>
    {
        using var c = Open();
        using var t = c.BeginTransaction(deferred: false);
        long last = Convert.ToInt64(Scalar(c, t, "SELECT COALESCE(MAX(last_sequence), 0) FROM agent_batches WHERE agent_id = $a", ("$a", batch.AgentId)),
            CultureInfo.InvariantCulture);
        if (batch.Sequence <= last) return new BatchOutcome(false, last);
        // A host reports with one agent token: another token cannot write in its name (a revoked token made again under
        // the same name can).
        if (Scalar(c, t, "SELECT agent FROM hosts WHERE name = $n", ("$n", batch.Host)) is string owner && owner != agent)
            throw new HostClaimedException($"host '{batch.Host}' reports with agent token '{owner}', not '{agent}'");

        Exec(c, t, """
            INSERT INTO hosts (name, agent, agent_version, first_seen_ms, last_seen_ms, lost_samples) VALUES ($n, $a, $v, $t, $t, $lost)
            ON CONFLICT (name) DO UPDATE SET agent = $a, agent_version = $v, last_seen_ms = MAX(last_seen_ms, $t),
                lost_samples = MAX(lost_samples, $lost)
            """, ("$n", batch.Host), ("$a", agent), ("$v", batch.AgentVersion), ("$t", nowMs), ("$lost", batch.LostSamples));
        var ids = UpsertProcesses(c, t, batch);
        long Id(long agentProcessId) => ids.TryGetValue(agentProcessId, out long id) ? id
            : throw new InvalidDataException($"batch {batch.Sequence} refers to process {agentProcessId}, which it does not describe");

        var columns = BatchColumns(batch.Columns);
        InsertRows(c, t, "samples", "time_ms", withCount: false, columns, batch.Samples, Id);
        InsertRows(c, t, "samples_minute", "minute_ms", withCount: true, columns, batch.Minutes, Id);
        foreach (var e in batch.Events)
            Exec(c, t, "INSERT INTO events (process_id, time_ms, kind, detail) VALUES ($p, $t, $k, $d)",
                ("$p", e.ProcessId is long p ? Id(p) : DBNull.Value), ("$t", e.TimeMs), ("$k", e.Kind), ("$d", e.Detail));
        foreach (var v in batch.Verdicts)
            Exec(c, t, """
                INSERT INTO verdicts (process_id, time_ms, detail) VALUES ($p, $t, $d)
                ON CONFLICT (process_id) DO UPDATE SET time_ms = $t, detail = $d WHERE $t >= time_ms
                """, ("$p", Id(v.ProcessId)), ("$t", v.TimeMs), ("$d", v.Verdict));
        Exec(c, t, """
            INSERT INTO agent_batches (agent_id, last_sequence, applied_ms) VALUES ($a, $s, $t)
            ON CONFLICT (agent_id) DO UPDATE SET last_sequence = $s, applied_ms = $t
            """, ("$a", batch.AgentId), ("$s", batch.Sequence), ("$t", nowMs));
        Exec(c, t, "UPDATE agent_tokens SET last_used_ms = $t WHERE name = $n", ("$t", nowMs), ("$n", agent));
        t.Commit();
        return new BatchOutcome(true, batch.Sequence);
    });

    private static Dictionary<long, long> UpsertProcesses(SqliteConnection c, SqliteTransaction t, AgentBatch batch)
    {
        var ids = new Dictionary<long, long>(batch.Processes.Count);
        using var cmd = c.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = """
            INSERT INTO processes (host, pid, start_ticks, start_time_ms, name, command_line, pm2_name, container, pod, first_seen_ms, last_seen_ms)
            VALUES ($host, $pid, $ticks, $start, $name, $cmd, $pm2, $container, $pod, $first, $last)
            ON CONFLICT (host, pid, start_time_ms) DO UPDATE SET last_seen_ms = MAX(last_seen_ms, $last), name = $name,
                pm2_name = COALESCE($pm2, pm2_name), container = COALESCE($container, container), pod = COALESCE($pod, pod)
            RETURNING id
            """;
        var parameters = new[] { "$host", "$pid", "$ticks", "$start", "$name", "$cmd", "$pm2", "$container", "$pod", "$first", "$last" }
            .Select(n => cmd.Parameters.Add(n, SqliteType.Text)).ToArray();
        foreach (var p in batch.Processes)
        {
            object?[] values = [batch.Host, p.Pid, p.StartTicks, p.StartTimeMs, p.Name, p.CommandLine, p.Pm2Name, p.Container, p.Pod, p.FirstSeenMs, p.LastSeenMs];
            for (int i = 0; i < values.Length; i++)
            {
                parameters[i].SqliteType = values[i] is string or null ? SqliteType.Text : SqliteType.Integer;
                parameters[i].Value = values[i] ?? DBNull.Value;
            }
            ids[p.Id] = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        return ids;
    }

    /// <summary>For each of the batch's columns, the store's column of that name, or null for one this Heapdog does not
    /// know (an agent newer than the server): its values are left out, the known ones kept.</summary>
    private static SampleColumns.Column?[] BatchColumns(IReadOnlyList<string> names) =>
        [.. names.Select(n => SampleColumns.All.FirstOrDefault(c => c.Name == n))];

    private static void InsertRows(SqliteConnection c, SqliteTransaction t, string table, string timeColumn, bool withCount,
        SampleColumns.Column?[] columns, IReadOnlyList<BatchRow> rows, Func<long, long> id)
    {
        if (rows.Count == 0) return;
        var known = Enumerable.Range(0, columns.Length).Where(i => columns[i] is not null).ToArray();
        using var cmd = c.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = $"INSERT OR REPLACE INTO {table} (process_id, {timeColumn}{(withCount ? ", n" : "")}"
            + string.Concat(known.Select(i => ", " + columns[i]!.Name)) + ") VALUES ($p, $t" + (withCount ? ", $n" : "")
            + string.Concat(known.Select(i => ", $c" + i.ToString(CultureInfo.InvariantCulture))) + ")";
        var p = cmd.Parameters.Add("$p", SqliteType.Integer);
        var time = cmd.Parameters.Add("$t", SqliteType.Integer);
        var n = cmd.Parameters.Add("$n", SqliteType.Integer);
        if (!withCount) cmd.Parameters.Remove(n);
        var values = known.Select(i => cmd.Parameters.Add("$c" + i.ToString(CultureInfo.InvariantCulture), columns[i]!.Real ? SqliteType.Real : SqliteType.Integer)).ToArray();
        foreach (var row in rows)
        {
            if (row.Values.Count != columns.Length)
                throw new InvalidDataException($"a row of process {row.ProcessId} at {row.TimeMs} has {row.Values.Count} values for {columns.Length} columns");
            p.Value = id(row.ProcessId);
            time.Value = row.TimeMs;
            n.Value = row.Count;
            for (int k = 0; k < known.Length; k++)
            {
                double v = row.Values[known[k]];
                values[k].Value = columns[known[k]]!.Real ? v : (long)v;
            }
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Every host that has reported, most recently heard of first, with its processes seen since
    /// <paramref name="runningSinceMs"/>.</summary>
    public IReadOnlyList<FleetHost> Hosts(long runningSinceMs)
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = """
            SELECT h.name, h.agent, h.agent_version, h.first_seen_ms, h.last_seen_ms, h.lost_samples,
                (SELECT COUNT(*) FROM processes p WHERE p.host = h.name AND p.last_seen_ms >= $since
                    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.process_id = p.id AND e.kind IN ($exited, $killed)))
            FROM hosts h ORDER BY h.last_seen_ms DESC, h.name
            """;
        cmd.Parameters.AddWithValue("$since", runningSinceMs);
        cmd.Parameters.AddWithValue("$exited", EventKind.Exited);
        cmd.Parameters.AddWithValue("$killed", EventKind.ExitedOomKill);
        using var r = cmd.ExecuteReader();
        var list = new List<FleetHost>();
        while (r.Read())
            list.Add(new FleetHost(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(6), r.GetInt64(5)));
        return list;
    }

    /// <summary>The latest verdict an agent shipped for each of its processes, as JSON, by the server's process id.</summary>
    public IReadOnlyDictionary<long, string> Verdicts()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT process_id, detail FROM verdicts";
        using var r = cmd.ExecuteReader();
        var map = new Dictionary<long, string>();
        while (r.Read()) map[r.GetInt64(0)] = r.GetString(1);
        return map;
    }

    public void SaveRemoteJob(RemoteJobRecord job) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = RemoteJobRows.Upsert('$');
        foreach (var (n, v) in RemoteJobRows.Values(job)) cmd.Parameters.AddWithValue("$" + n, v ?? DBNull.Value);
        return cmd.ExecuteNonQuery();
    });

    public IReadOnlyList<RemoteJobRecord> RemoteJobs()
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = RemoteJobRows.Select;
        using var r = cmd.ExecuteReader();
        var list = new List<RemoteJobRecord>();
        while (r.Read()) list.Add(RemoteJobRows.Read(r));
        return list;
    }

    public int PruneRemoteJobs(int keepEnded) => Writing(() =>
    {
        using var c = Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = RemoteJobRows.Prune('$');
        cmd.Parameters.AddWithValue("$keep", keepEnded);
        return cmd.ExecuteNonQuery();
    });

    private static object? Scalar(SqliteConnection c, SqliteTransaction t, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        return cmd.ExecuteScalar();
    }

    private static void Exec(SqliteConnection c, SqliteTransaction t, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        cmd.ExecuteNonQuery();
    }

    private T Writing<T>(Func<T> write)
    {
        try { return write(); }
        catch (Exception e) when (StoreFaults.Translate(e, path, "write") is { } fault) { throw fault; }
    }
}
