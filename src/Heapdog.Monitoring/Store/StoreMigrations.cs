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
