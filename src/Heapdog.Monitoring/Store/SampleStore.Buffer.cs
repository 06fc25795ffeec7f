using System.Globalization;
using Heapdog.Monitoring.Fleet;
using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The store as an agent's buffer (docs/fleet.md): the watcher writes it as <c>watch</c> does, and the agent ships what
/// it holds, deletes what the server acknowledged, and keeps it bounded by rolling the oldest raw samples up into
/// per-minute rows. Its state (agent id, sequence, the batch in flight, the samples lost) is in <c>agent_state</c>.
/// </summary>
public sealed partial class SampleStore
{
    private const string PendingKey = "pending";

    public string? AgentState(string key) => Scalar("SELECT value FROM agent_state WHERE key = $k", ("$k", key)) as string;

    public void SetAgentState(string key, string value) => Writing(() =>
        Execute(_connection, "INSERT INTO agent_state (key, value) VALUES ($k, $v) ON CONFLICT (key) DO UPDATE SET value = $v", null, ("$k", key), ("$v", value)));

    private long AgentNumber(string key) => AgentState(key) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : 0;

    /// <summary>Raw samples the buffer dropped so far (replaced by their per-minute rollups).</summary>
    public long LostSamples => AgentNumber("lost_samples");

    /// <summary>The batch in flight (sent, not yet acknowledged), or a new one over at most about
    /// <paramref name="maxRows"/> raw samples (whole rounds), recorded as in flight before it is returned. A buffer with
    /// nothing new gives an empty batch: it still tells the server the host is there, with its verdicts.</summary>
    public OutboxBounds NextBatch(int maxRows) => Writing(() =>
    {
        if (AgentState(PendingKey) is { } pending)
        {
            var p = pending.Split(' ').Select(x => long.Parse(x, CultureInfo.InvariantCulture)).ToArray();
            return new OutboxBounds(p[0], p[1], p[2], p[3]);
        }
        long samplesTo = Convert.ToInt64(Scalar("SELECT COALESCE((SELECT time_ms FROM samples ORDER BY time_ms LIMIT 1 OFFSET $n), (SELECT MAX(time_ms) FROM samples), -1)",
            ("$n", Math.Max(0, maxRows - 1))), CultureInfo.InvariantCulture);
        long minutesTo = Convert.ToInt64(Scalar("SELECT COALESCE(MAX(minute_ms), -1) FROM samples_minute"), CultureInfo.InvariantCulture);
        long eventsTo = Convert.ToInt64(Scalar("SELECT COALESCE(MAX(id), -1) FROM events"), CultureInfo.InvariantCulture);
        var bounds = new OutboxBounds(AgentNumber("next_sequence") + 1, samplesTo, minutesTo, eventsTo);
        SetAgentState(PendingKey, string.Join(' ', new[] { bounds.Sequence, bounds.SamplesToMs, bounds.MinutesToMs, bounds.EventsToId }
            .Select(x => x.ToString(CultureInfo.InvariantCulture))));
        return bounds;
    });

    /// <summary>The rows within <paramref name="bounds"/>, with the processes they name, as a batch's parts.</summary>
    public (IReadOnlyList<BatchProcess> Processes, IReadOnlyList<BatchRow> Samples, IReadOnlyList<BatchRow> Minutes, IReadOnlyList<BatchEvent> Events)
        ReadBatch(OutboxBounds bounds)
    {
        var processes = new List<BatchProcess>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT id, pid, start_ticks, start_time_ms, name, command_line, pm2_name, container, pod, first_seen_ms, last_seen_ms FROM processes ORDER BY id";
            using var r = cmd.ExecuteReader();
            while (r.Read())
                processes.Add(new BatchProcess(r.GetInt64(0), r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetString(4), r.GetString(5),
                    r.IsDBNull(6) ? null : r.GetString(6), r.IsDBNull(7) ? null : r.GetString(7), r.IsDBNull(8) ? null : r.GetString(8),
                    r.GetInt64(9), r.GetInt64(10)));
        }
        var events = new List<BatchEvent>();
        using (var cmd = _connection.CreateCommand())
        {
            cmd.CommandText = "SELECT process_id, time_ms, kind, detail FROM events WHERE id <= $e ORDER BY id";
            cmd.Parameters.AddWithValue("$e", bounds.EventsToId);
            using var r = cmd.ExecuteReader();
            while (r.Read()) events.Add(new BatchEvent(r.IsDBNull(0) ? null : r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3)));
        }
        var samples = ReadRows("samples", "time_ms", "1", bounds.SamplesToMs);
        var minutes = ReadRows("samples_minute", "minute_ms", "n", bounds.MinutesToMs);
        // Only the processes the rows name: a host's buffer keeps every process it ever saw, and a batch need not.
        var named = samples.Select(r => r.ProcessId).Concat(minutes.Select(r => r.ProcessId))
            .Concat(events.Where(e => e.ProcessId is not null).Select(e => e.ProcessId!.Value)).ToHashSet();
        return ([.. processes.Where(p => named.Contains(p.Id))], samples, minutes, events);
    }

    private List<BatchRow> ReadRows(string table, string timeColumn, string count, long toMs)
    {
        var rows = new List<BatchRow>();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT process_id, {timeColumn}, {count}, {SampleColumns.Names} FROM {table} WHERE {timeColumn} <= $to ORDER BY {timeColumn}, process_id";
        cmd.Parameters.AddWithValue("$to", toMs);
        using var r = cmd.ExecuteReader();
        int n = SampleColumns.All.Length;
        while (r.Read())
        {
            var values = new double[n];
            for (int i = 0; i < n; i++) values[i] = r.GetDouble(i + 3);
            rows.Add(new BatchRow(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), values));
        }
        return rows;
    }

    /// <summary>The batch within <paramref name="bounds"/> was applied (now or before) by a server whose last applied
    /// sequence is <paramref name="serverSequence"/>: its rows leave the buffer and the next batch follows it, in one
    /// transaction.</summary>
    public void Acknowledge(OutboxBounds bounds, long serverSequence) => Writing(() =>
    {
        using var t = _connection.BeginTransaction();
        Execute(_connection, "DELETE FROM samples WHERE time_ms <= $s", t, ("$s", bounds.SamplesToMs));
        Execute(_connection, "DELETE FROM samples_minute WHERE minute_ms <= $m", t, ("$m", bounds.MinutesToMs));
        Execute(_connection, "DELETE FROM events WHERE id <= $e", t, ("$e", bounds.EventsToId));
        Execute(_connection, "DELETE FROM agent_state WHERE key = $k", t, ("$k", PendingKey));
        Execute(_connection, "INSERT INTO agent_state (key, value) VALUES ('next_sequence', $v) ON CONFLICT (key) DO UPDATE SET value = $v", t,
            ("$v", Math.Max(bounds.Sequence, serverSequence).ToString(CultureInfo.InvariantCulture)));
        t.Commit();
        return true;
    });

    /// <summary>
    /// Keeps at most about <paramref name="maxRawSamples"/> raw samples: the oldest whole minutes beyond it are rolled up
    /// into per-minute rows (kept, and shipped in their place) and their raw samples dropped, counted in
    /// <see cref="LostSamples"/>. Rows of the batch in flight are spared, so a retried batch still holds what it held.
    /// Returns the samples dropped now.
    /// </summary>
    public long BoundRawSamples(long maxRawSamples) => Writing(() =>
    {
        long count = Convert.ToInt64(Scalar("SELECT COUNT(*) FROM samples"), CultureInfo.InvariantCulture);
        if (count <= maxRawSamples) return 0L;
        long cut = Convert.ToInt64(Scalar("SELECT time_ms FROM samples ORDER BY time_ms LIMIT 1 OFFSET $n", ("$n", count - maxRawSamples)),
            CultureInfo.InvariantCulture) / 60000 * 60000 + 60000;
        // Rows of the batch in flight stay as they are, and so does the rest of its last minute: only whole minutes after it.
        long from = AgentState(PendingKey) is { } pending ? (long.Parse(pending.Split(' ')[1], CultureInfo.InvariantCulture) / 60000 + 1) * 60000 : long.MinValue;
        if (from >= cut) return 0L;
        using var t = _connection.BeginTransaction();
        string aggregates = string.Join(", ", SampleColumns.All.Select(SampleColumns.Aggregate));
        Execute(_connection, $"""
            INSERT OR REPLACE INTO samples_minute (process_id, minute_ms, n, {SampleColumns.Names})
            SELECT process_id, time_ms / 60000 * 60000, COUNT(*), {aggregates} FROM samples WHERE time_ms >= $from AND time_ms < $cut
            GROUP BY process_id, time_ms / 60000
            """, t, ("$from", from), ("$cut", cut));
        long dropped = Execute(_connection, "DELETE FROM samples WHERE time_ms >= $from AND time_ms < $cut", t, ("$from", from), ("$cut", cut));
        Execute(_connection, "INSERT INTO agent_state (key, value) VALUES ('lost_samples', $v) ON CONFLICT (key) DO UPDATE SET value = $v", t,
            ("$v", (LostSamples + dropped).ToString(CultureInfo.InvariantCulture)));
        t.Commit();
        return dropped;
    });

    /// <summary>Raw samples the buffer holds.</summary>
    public long BufferedSamples => Convert.ToInt64(Scalar("SELECT COUNT(*) FROM samples"), CultureInfo.InvariantCulture);
}
