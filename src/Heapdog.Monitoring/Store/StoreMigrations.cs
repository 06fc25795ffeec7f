using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The schema as a list of steps. A store records the steps it has run in <c>schema_version</c>; opening runs the
/// missing ones in order, each in its own transaction. Steps are never edited once released: a change is a new step.
/// </summary>
internal static class StoreMigrations
{
    public static readonly Migration[] Steps =
    [
        new(1, "processes and raw samples", (c, t) => Exec(c, t, $"""
            CREATE TABLE processes (
                id INTEGER PRIMARY KEY,
                pid INTEGER NOT NULL,
                start_ticks INTEGER NOT NULL,
                start_time_ms INTEGER NOT NULL,
                name TEXT NOT NULL,
                command_line TEXT NOT NULL,
                pm2_name TEXT,
                first_seen_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL,
                UNIQUE (pid, start_time_ms));
            CREATE INDEX processes_pid ON processes (pid, last_seen_ms);
            CREATE TABLE samples (
                process_id INTEGER NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
                time_ms INTEGER NOT NULL,
                {SampleColumns.Definitions},
                PRIMARY KEY (process_id, time_ms)) WITHOUT ROWID;
            """)),
        new(2, "per-minute rollups and events", (c, t) => Exec(c, t, $"""
            CREATE TABLE samples_minute (
                process_id INTEGER NOT NULL REFERENCES processes (id) ON DELETE CASCADE,
                minute_ms INTEGER NOT NULL,
                n INTEGER NOT NULL,
                {SampleColumns.Definitions},
                PRIMARY KEY (process_id, minute_ms)) WITHOUT ROWID;
            CREATE TABLE events (
                id INTEGER PRIMARY KEY,
                process_id INTEGER REFERENCES processes (id) ON DELETE SET NULL,
                time_ms INTEGER NOT NULL,
                kind TEXT NOT NULL,
                detail TEXT NOT NULL);
            CREATE INDEX events_time ON events (time_ms);
            """)),
        new(3, "snapshots kept by the dashboard", (c, t) => Exec(c, t, """
            CREATE TABLE snapshots (
                id INTEGER PRIMARY KEY,
                process_id INTEGER REFERENCES processes (id) ON DELETE SET NULL,
                pid INTEGER,
                name TEXT NOT NULL,
                file TEXT NOT NULL,
                bytes INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                source TEXT NOT NULL,
                state TEXT NOT NULL,
                error TEXT,
                node_count INTEGER,
                edge_count INTEGER,
                total_size INTEGER);
            CREATE INDEX events_process ON events (process_id, time_ms);
            """)),
        new(4, "fleet: processes keyed by host, agent tokens, applied batches, shipped verdicts", (c, t) => Exec(c, t, """
            CREATE TABLE processes_v4 (
                id INTEGER PRIMARY KEY,
                host TEXT NOT NULL DEFAULT '',
                pid INTEGER NOT NULL,
                start_ticks INTEGER NOT NULL,
                start_time_ms INTEGER NOT NULL,
                name TEXT NOT NULL,
                command_line TEXT NOT NULL,
                pm2_name TEXT,
                container TEXT,
                pod TEXT,
                first_seen_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL,
                UNIQUE (host, pid, start_time_ms));
            INSERT INTO processes_v4 (id, pid, start_ticks, start_time_ms, name, command_line, pm2_name, first_seen_ms, last_seen_ms)
                SELECT id, pid, start_ticks, start_time_ms, name, command_line, pm2_name, first_seen_ms, last_seen_ms FROM processes;
            DROP TABLE processes;
            ALTER TABLE processes_v4 RENAME TO processes;
            CREATE INDEX processes_pid ON processes (pid, last_seen_ms);
            CREATE INDEX processes_host ON processes (host, last_seen_ms);
            CREATE TABLE hosts (
                name TEXT PRIMARY KEY,
                agent TEXT NOT NULL,
                agent_version TEXT NOT NULL,
                first_seen_ms INTEGER NOT NULL,
                last_seen_ms INTEGER NOT NULL,
                lost_samples INTEGER NOT NULL DEFAULT 0);
            CREATE TABLE agent_tokens (
                name TEXT PRIMARY KEY,
                hash BLOB NOT NULL,
                created_ms INTEGER NOT NULL,
                revoked_ms INTEGER,
                last_used_ms INTEGER);
            CREATE TABLE agent_batches (
                agent_id TEXT PRIMARY KEY,
                last_sequence INTEGER NOT NULL,
                applied_ms INTEGER NOT NULL);
            CREATE TABLE verdicts (
                process_id INTEGER PRIMARY KEY REFERENCES processes (id) ON DELETE CASCADE,
                time_ms INTEGER NOT NULL,
                detail TEXT NOT NULL);
            """), RebuildsTables: true),
        new(5, "an agent's shipping state", (c, t) => Exec(c, t, """
            CREATE TABLE agent_state (
                key TEXT PRIMARY KEY,
                value TEXT NOT NULL);
            """)),
        new(6, "remote jobs kept across restarts", (c, t) => Exec(c, t, """
            CREATE TABLE remote_jobs (
                id INTEGER PRIMARY KEY,
                host TEXT NOT NULL,
                process_id INTEGER,
                kind TEXT NOT NULL,
                pid INTEGER NOT NULL,
                start_time_ms INTEGER NOT NULL,
                request TEXT NOT NULL,
                state TEXT NOT NULL,
                attempts INTEGER NOT NULL,
                created_ms INTEGER NOT NULL,
                ended_ms INTEGER,
                error TEXT,
                result TEXT,
                upload_offset INTEGER NOT NULL,
                upload_path TEXT,
                upload_bytes INTEGER NOT NULL,
                sha256 TEXT,
                snapshot_id INTEGER);
            """)),
    ];

    public static int Latest => Steps[^1].Version;

    private static void Exec(SqliteConnection c, SqliteTransaction t, string sql)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
