using System.Globalization;
using Heapdog.Monitoring.Fleet;
using Npgsql;
using NpgsqlTypes;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The fleet's side (<see cref="IFleetStore"/>, docs/fleet.md): agent tokens (their hashes only), the hosts that report,
/// the batches agents ship. What <see cref="FleetStore"/> does on SQLite, where one writer at a time is the file's rule;
/// here two requests may apply batches at once, so a batch first takes a transaction lock on its agent (a retry waits
/// for the first attempt, then finds it applied) and claims its host in the same statement that records it.
/// </summary>
public sealed partial class PostgresStore : IFleetStore
{
    /// <summary>The advisory lock class of an agent's batches (the other key is the agent id's hash).</summary>
    private const int AgentLock = 7021979;

    // Not idempotent: run again after a commit whose answer was lost, either would tell of a token in use / none to revoke.
    public bool AddToken(string name, byte[] hash, long nowMs) => Run("write", idempotent: false, c => Exec(c, null, """
        INSERT INTO agent_tokens (name, hash, created_ms) VALUES (@n, @h, @t)
        ON CONFLICT (name) DO UPDATE SET hash = EXCLUDED.hash, created_ms = EXCLUDED.created_ms, revoked_ms = NULL, last_used_ms = NULL
            WHERE agent_tokens.revoked_ms IS NOT NULL
        """, ("n", name), ("h", hash), ("t", nowMs)) > 0);

    public bool RevokeToken(string name, long nowMs) => Run("write", idempotent: false, c =>
        Exec(c, null, "UPDATE agent_tokens SET revoked_ms = @t WHERE name = @n AND revoked_ms IS NULL", ("n", name), ("t", nowMs)) > 0);

    public IReadOnlyList<AgentTokenRecord> Tokens() => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, "SELECT name, hash, created_ms, revoked_ms, last_used_ms FROM agent_tokens ORDER BY name");
        using var r = cmd.ExecuteReader();
        var list = new List<AgentTokenRecord>();
        while (r.Read())
            list.Add(new AgentTokenRecord(r.GetString(0), (byte[])r.GetValue(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetInt64(4)));
        return list;
    });

    /// <summary>
    /// Applies a batch, or recognises it as applied before: the agent's last applied sequence is read and written in the
    /// same transaction as the rows. Run again after a lost connection, it finds the batch applied if the first attempt's
    /// commit got through, and applies it otherwise: never twice.
    /// </summary>
    /// <exception cref="InvalidDataException">A row refers to a process the batch does not describe.</exception>
    /// <exception cref="HostClaimedException">The host reports with another agent token.</exception>
    public BatchOutcome ApplyBatch(string agent, AgentBatch batch, long nowMs) => Run("write", idempotent: true, c =>
    {
        using var t = c.BeginTransaction();
        Exec(c, t, "SELECT pg_advisory_xact_lock(@k, hashtext(@a))", ("k", AgentLock), ("a", batch.AgentId));
        long last = Convert.ToInt64(Scalar(c, t, "SELECT COALESCE(MAX(last_sequence), 0) FROM agent_batches WHERE agent_id = @a", ("a", batch.AgentId)),
            CultureInfo.InvariantCulture);
        if (batch.Sequence <= last) return new BatchOutcome(false, last);

        // A host reports with one agent token: another token cannot write in its name (a revoked token made again under
        // the same name can). The row is claimed and updated in one statement, so two tokens racing for a new host
        // cannot both win.
        if (Scalar(c, t, """
            INSERT INTO hosts (name, agent, agent_version, first_seen_ms, last_seen_ms, lost_samples) VALUES (@n, @a, @v, @t, @t, @lost)
            ON CONFLICT (name) DO UPDATE SET agent_version = EXCLUDED.agent_version, last_seen_ms = GREATEST(hosts.last_seen_ms, EXCLUDED.last_seen_ms),
                lost_samples = GREATEST(hosts.lost_samples, EXCLUDED.lost_samples)
                WHERE hosts.agent = EXCLUDED.agent
            RETURNING name
            """, ("n", batch.Host), ("a", agent), ("v", batch.AgentVersion), ("t", nowMs), ("lost", batch.LostSamples)) is null)
        {
            string owner = (string)Scalar(c, t, "SELECT agent FROM hosts WHERE name = @n", ("n", batch.Host))!;
            throw new HostClaimedException($"host '{batch.Host}' reports with agent token '{owner}', not '{agent}'");
        }

        var ids = UpsertBatchProcesses(c, t, batch);
        long Id(long agentProcessId) => ids.TryGetValue(agentProcessId, out long id) ? id
            : throw new InvalidDataException($"batch {batch.Sequence} refers to process {agentProcessId}, which it does not describe");

        var columns = BatchColumns(batch.Columns);
        InsertBatchRows(c, t, "samples", "time_ms", withCount: false, columns, batch.Samples, Id);
        InsertBatchRows(c, t, "samples_minute", "minute_ms", withCount: true, columns, batch.Minutes, Id);
        foreach (var e in batch.Events)
            Exec(c, t, "INSERT INTO events (process_id, time_ms, kind, detail) VALUES (@p, @t, @k, @d)",
                ("p", e.ProcessId is long p ? Id(p) : (long?)null), ("t", e.TimeMs), ("k", e.Kind), ("d", e.Detail));
        foreach (var v in batch.Verdicts)
            Exec(c, t, """
                INSERT INTO verdicts (process_id, time_ms, detail) VALUES (@p, @t, @d)
                ON CONFLICT (process_id) DO UPDATE SET time_ms = EXCLUDED.time_ms, detail = EXCLUDED.detail WHERE EXCLUDED.time_ms >= verdicts.time_ms
                """, ("p", Id(v.ProcessId)), ("t", v.TimeMs), ("d", v.Verdict));
        Exec(c, t, """
            INSERT INTO agent_batches (agent_id, last_sequence, applied_ms) VALUES (@a, @s, @t)
            ON CONFLICT (agent_id) DO UPDATE SET last_sequence = EXCLUDED.last_sequence, applied_ms = EXCLUDED.applied_ms
            """, ("a", batch.AgentId), ("s", batch.Sequence), ("t", nowMs));
        Exec(c, t, "UPDATE agent_tokens SET last_used_ms = @t WHERE name = @n", ("t", nowMs), ("n", agent));
        t.Commit();
        return new BatchOutcome(true, batch.Sequence);
    });

    private static Dictionary<long, long> UpsertBatchProcesses(NpgsqlConnection c, NpgsqlTransaction t, AgentBatch batch)
    {
        var ids = new Dictionary<long, long>(batch.Processes.Count);
        foreach (var p in batch.Processes)
            ids[p.Id] = Convert.ToInt64(Scalar(c, t, """
                INSERT INTO processes (host, pid, start_ticks, start_time_ms, name, command_line, pm2_name, container, pod, first_seen_ms, last_seen_ms)
                VALUES (@host, @pid, @ticks, @start, @name, @cmd, @pm2, @container, @pod, @first, @last)
                ON CONFLICT (host, pid, start_time_ms) DO UPDATE SET last_seen_ms = GREATEST(processes.last_seen_ms, EXCLUDED.last_seen_ms),
                    name = EXCLUDED.name, pm2_name = COALESCE(EXCLUDED.pm2_name, processes.pm2_name),
                    container = COALESCE(EXCLUDED.container, processes.container), pod = COALESCE(EXCLUDED.pod, processes.pod)
                RETURNING id
                """, ("host", batch.Host), ("pid", p.Pid), ("ticks", p.StartTicks), ("start", p.StartTimeMs), ("name", p.Name),
                ("cmd", p.CommandLine), ("pm2", p.Pm2Name), ("container", p.Container), ("pod", p.Pod), ("first", p.FirstSeenMs),
                ("last", p.LastSeenMs)), CultureInfo.InvariantCulture);
        return ids;
    }

    /// <summary>For each of the batch's columns, the store's column of that name, or null for one this Heapdog does not
    /// know (an agent newer than the server): its values are left out, the known ones kept.</summary>
    private static SampleColumns.Column?[] BatchColumns(IReadOnlyList<string> names) =>
        [.. names.Select(n => SampleColumns.All.FirstOrDefault(c => c.Name == n))];

    /// <summary>A batch's rows in one statement of array parameters, as <see cref="AddSamples"/> writes the watcher's. A
    /// row already stored is replaced; of two rows with one key, the later wins (ON CONFLICT may not touch a row twice
    /// in one statement).</summary>
    private static void InsertBatchRows(NpgsqlConnection c, NpgsqlTransaction t, string table, string timeColumn, bool withCount,
        SampleColumns.Column?[] columns, IReadOnlyList<BatchRow> rows, Func<long, long> id)
    {
        if (rows.Count == 0) return;
        var known = Enumerable.Range(0, columns.Length).Where(i => columns[i] is not null).ToArray();
        var keyed = new SortedDictionary<(long, long), BatchRow>();
        foreach (var row in rows)
        {
            if (row.Values.Count != columns.Length)
                throw new InvalidDataException($"a row of process {row.ProcessId} at {row.TimeMs} has {row.Values.Count} values for {columns.Length} columns");
            keyed[(id(row.ProcessId), row.TimeMs)] = row;
        }
        int n = keyed.Count;
        var processIds = new long[n];
        var times = new long[n];
        var counts = new int[n];
        var values = known.Select(i => columns[i]!.Real ? (Array)new double[n] : new long[n]).ToArray();
        int r = 0;
        foreach (var ((processId, time), row) in keyed)
        {
            processIds[r] = processId;
            times[r] = time;
            counts[r] = row.Count;
            for (int k = 0; k < known.Length; k++)
            {
                double v = row.Values[known[k]];
                if (values[k] is double[] reals) reals[r] = v;
                else ((long[])values[k])[r] = (long)v;
            }
            r++;
        }

        string names = string.Concat(known.Select(i => ", " + columns[i]!.Name));
        string arrays = string.Concat(known.Select((_, k) => ", @c" + k.ToString(CultureInfo.InvariantCulture)));
        var updates = known.Select(i => $"{columns[i]!.Name} = EXCLUDED.{columns[i]!.Name}").ToList();
        if (withCount) updates.Insert(0, "n = EXCLUDED.n");
        using var insert = new NpgsqlCommand(
            $"INSERT INTO {table} (process_id, {timeColumn}{(withCount ? ", n" : "")}{names}) SELECT * FROM unnest(@p, @t{(withCount ? ", @n" : "")}{arrays}) "
            + $"ON CONFLICT (process_id, {timeColumn}) DO " + (updates.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updates)), c, t);
        insert.Parameters.Add(new NpgsqlParameter<long[]>("p", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = processIds });
        insert.Parameters.Add(new NpgsqlParameter<long[]>("t", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = times });
        if (withCount) insert.Parameters.Add(new NpgsqlParameter<int[]>("n", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = counts });
        for (int k = 0; k < known.Length; k++)
        {
            string name = "c" + k.ToString(CultureInfo.InvariantCulture);
            insert.Parameters.Add(values[k] is double[] reals
                ? new NpgsqlParameter<double[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Double) { TypedValue = reals }
                : new NpgsqlParameter<long[]>(name, NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = (long[])values[k] });
        }
        insert.ExecuteNonQuery();
    }

    public IReadOnlyList<FleetHost> Hosts(long runningSinceMs) => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, """
            SELECT h.name, h.agent, h.agent_version, h.first_seen_ms, h.last_seen_ms, h.lost_samples,
                (SELECT COUNT(*) FROM processes p WHERE p.host = h.name AND p.last_seen_ms >= @since
                    AND NOT EXISTS (SELECT 1 FROM events e WHERE e.process_id = p.id AND e.kind IN (@exited, @killed)))::INTEGER
            FROM hosts h ORDER BY h.last_seen_ms DESC, h.name
            """, ("since", runningSinceMs), ("exited", EventKind.Exited), ("killed", EventKind.ExitedOomKill));
        using var r = cmd.ExecuteReader();
        var list = new List<FleetHost>();
        while (r.Read())
            list.Add(new FleetHost(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt32(6), r.GetInt64(5)));
        return list;
    });

    public IReadOnlyDictionary<long, string> Verdicts() => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, "SELECT process_id, detail FROM verdicts");
        using var r = cmd.ExecuteReader();
        var map = new Dictionary<long, string>();
        while (r.Read()) map[r.GetInt64(0)] = r.GetString(1);
        return map;
    });

    // Idempotent: the row is keyed by the job's id and replaced whole.
    public void SaveRemoteJob(RemoteJobRecord job) => Run("write", idempotent: true, c => Exec(c, null, RemoteJobRows.Upsert('@'), RemoteJobRows.Values(job)));

    public IReadOnlyList<RemoteJobRecord> RemoteJobs() => Run("read", idempotent: true, c =>
    {
        using var cmd = Command(c, null, RemoteJobRows.Select);
        using var r = cmd.ExecuteReader();
        var list = new List<RemoteJobRecord>();
        while (r.Read()) list.Add(RemoteJobRows.Read(r));
        return list;
    });

    public int PruneRemoteJobs(int keepEnded) => Run("write", idempotent: true, c => Exec(c, null, RemoteJobRows.Prune('@'), ("keep", keepEnded)));
}
