using System.Globalization;
using Heapdog.Processes;
using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The embedded SQLite store of watched processes, their samples and events.
/// Durability: WAL journal with <c>synchronous=FULL</c>, so a batch is on disk (WAL fsync'ed) when
/// <see cref="AddSamples"/> returns. NORMAL would already survive <c>kill -9</c> of the watcher (the OS keeps the
/// written WAL pages) but could lose the last batches on power loss or a kernel crash; FULL costs one fsync per batch,
/// which at one batch per sampling interval is nothing, and makes "written" mean written.
/// One store may be read by other processes (e.g. <c>heapdog oom</c>) while a watcher writes it.
/// </summary>
public sealed partial class SampleStore : ISampleStore
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _insertParameters;
    private readonly Dictionary<long, long> _lastSeen = [];

    private SampleStore(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
        _insert = connection.CreateCommand();
        _insert.CommandText =
            $"INSERT OR REPLACE INTO samples (process_id, time_ms, {SampleColumns.Names}) VALUES ($p, $t, "
            + string.Join(", ", SampleColumns.All.Select((_, i) => "$c" + i.ToString(CultureInfo.InvariantCulture))) + ")";
        _insertParameters = new SqliteParameter[SampleColumns.All.Length + 2];
        _insertParameters[0] = _insert.Parameters.Add("$p", SqliteType.Integer);
        _insertParameters[1] = _insert.Parameters.Add("$t", SqliteType.Integer);
        for (int i = 0; i < SampleColumns.All.Length; i++)
            _insertParameters[i + 2] = _insert.Parameters.Add("$c" + i.ToString(CultureInfo.InvariantCulture),
                SampleColumns.All[i].Real ? SqliteType.Real : SqliteType.Integer);
    }

    public string Path { get; }

    public string Kind => StoreAddress.Sqlite;

    public string Location => Path;

    public int SchemaVersion => Convert.ToInt32(Scalar("SELECT COALESCE(MAX(version), 0) FROM schema_version"), CultureInfo.InvariantCulture);

    /// <summary>Opens (creating it and its directory when missing) and migrates the store at <paramref name="path"/>.
    /// The page cache is kept at 1 MB: the watcher appends and rarely reads, and its RSS is part of its cost.</summary>
    public static SampleStore Open(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        SqliteConnection? connection = null;
        try
        {
            CreatePrivate(full);
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = full, Pooling = false }.ToString());
            connection.Open();
            Execute(connection, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA cache_size=-1024;");
            Migrate(connection, full);
            RestrictJournal(full);
            return new SampleStore(connection, full);
        }
        catch (Exception e) when (StoreFaults.Translate(e, full) is { } fault)
        {
            connection?.Dispose();
            throw fault;
        }
    }

    /// <summary>
    /// Opens the store at <paramref name="path"/> to read it only (<c>heapdog oom</c>): never created, migrated or
    /// written, so a file that is not a store stays what it was and a read-only store can be read.
    /// </summary>
    /// <exception cref="StoreException">The file is empty, not SQLite, not a Heapdog store ("'PATH' is not a Heapdog
    /// store"), from a newer Heapdog, or cannot be read.</exception>
    public static SampleStore OpenReadOnly(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        try
        {
            if (!HasSqliteHeader(full)) throw new StoreException($"'{path}' is not a Heapdog store");
            try
            {
                return OpenReadOnly(path, full, full);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 8 or 14 && !File.Exists(full + "-wal"))
            {
                // A WAL store needs its -shm to be read, and SQLite cannot create one in a directory this user may not
                // write. With no -wal the file alone is the whole store (its last writer checkpointed it on close),
                // so it is read as immutable: no -shm, no locks.
                return OpenReadOnly(path, full, new Uri(full).AbsoluteUri + "?immutable=1");
            }
        }
        catch (SqliteException e)
        {
            throw new StoreException(e.SqliteErrorCode == 26 ? $"'{path}' is not a Heapdog store" : $"cannot read store {full}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot read store {full}: {e.Message}", e);
        }
    }

    private static SampleStore OpenReadOnly(string path, string full, string dataSource)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = dataSource, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            Execute(connection, "PRAGMA busy_timeout=5000; PRAGMA cache_size=-1024;");
            if (Convert.ToInt64(QueryScalar(connection, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('schema_version', 'processes', 'samples')"), CultureInfo.InvariantCulture) < 3)
                throw new StoreException($"'{path}' is not a Heapdog store");
            int version = Convert.ToInt32(QueryScalar(connection, "SELECT COALESCE(MAX(version), 0) FROM schema_version"), CultureInfo.InvariantCulture);
            if (version > StoreMigrations.Latest)
                throw new StoreException($"store {full} has schema version {version}, newer than this Heapdog understands ({StoreMigrations.Latest}); upgrade Heapdog");
            return new SampleStore(connection, full);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static bool HasSqliteHeader(string path)
    {
        Span<byte> header = stackalloc byte[16];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header.SequenceEqual("SQLite format 3\0"u8);
    }

    /// <summary>Creates the store's file (and its directory) owner-only before SQLite opens it: it holds command lines,
    /// process names and snapshot paths. An existing file keeps its mode.</summary>
    private static void CreatePrivate(string full)
    {
        if (OperatingSystem.IsWindows())
        {
            if (System.IO.Path.GetDirectoryName(full) is { } d) Directory.CreateDirectory(d);
            return;
        }
        // Each missing directory 0700: Directory.CreateDirectory(path, mode) would give the mode to the last one only.
        var missing = new Stack<string>();
        for (string? d = System.IO.Path.GetDirectoryName(full); d is not null && !Directory.Exists(d); d = System.IO.Path.GetDirectoryName(d)) missing.Push(d);
        while (missing.TryPop(out string? d)) Directory.CreateDirectory(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        if (File.Exists(full)) return;
        try
        {
            using var created = new FileStream(full, new FileStreamOptions
            {
                Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(full))
        {
            // Another process created it first: SQLite opens theirs.
        }
    }

    /// <summary><c>-wal</c> and <c>-shm</c> hold the same rows as the store. SQLite gives them the store's mode; said
    /// again here for journals left by an older Heapdog or another tool.</summary>
    private static void RestrictJournal(string full)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (string suffix in (ReadOnlySpan<string>)["-wal", "-shm"])
        {
            try
            {
                if (File.Exists(full + suffix)) File.SetUnixFileMode(full + suffix, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's journal (a shared store): theirs to keep private.
            }
        }
    }

    private static object? QueryScalar(SqliteConnection c, string sql)
    {
        using var q = c.CreateCommand();
        q.CommandText = sql;
        return q.ExecuteScalar();
    }

    private static void Migrate(SqliteConnection c, string path)
    {
        Execute(c, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL, description TEXT NOT NULL)");
        using var q = c.CreateCommand();
        q.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        int current = Convert.ToInt32(q.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (current > StoreMigrations.Latest)
            throw new StoreException($"store {path} has schema version {current}, newer than this Heapdog understands ({StoreMigrations.Latest}); upgrade Heapdog or use --db with another file");
        foreach (var step in StoreMigrations.Steps)
        {
            if (step.Version <= current) continue;
            // PRAGMA foreign_keys is a no-op inside a transaction: set before it, and back after.
            if (step.RebuildsTables) Execute(c, "PRAGMA foreign_keys=OFF");
            using var t = c.BeginTransaction();
            step.Apply(c, t);
            if (step.RebuildsTables) CheckForeignKeys(c, t, path, step.Version);
            using var mark = c.CreateCommand();
            mark.Transaction = t;
            mark.CommandText = "INSERT INTO schema_version (version, applied_ms, description) VALUES ($v, $t, $d)";
            mark.Parameters.AddWithValue("$v", step.Version);
            mark.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            mark.Parameters.AddWithValue("$d", step.Description);
            mark.ExecuteNonQuery();
            t.Commit();
            if (step.RebuildsTables) Execute(c, "PRAGMA foreign_keys=ON");
        }
    }

    private static void CheckForeignKeys(SqliteConnection c, SqliteTransaction t, string path, int version)
    {
        using var check = c.CreateCommand();
        check.Transaction = t;
        check.CommandText = "PRAGMA foreign_key_check";
        using var r = check.ExecuteReader();
        if (r.Read())
            throw new StoreException($"store {path}: schema step {version} would leave rows of '{r.GetString(0)}' pointing at nothing; the store was left as it was");
    }

    /// <inheritdoc/>
    public WatchedProcess UpsertProcess(ProcessIdentity identity, string name, string commandLine, long startTimeMs, string? pm2Name, long nowMs,
        ProcessPlace? place = null) =>
        Writing(() => Upsert(identity, name, commandLine, startTimeMs, pm2Name, nowMs, place));

    private WatchedProcess Upsert(ProcessIdentity identity, string name, string commandLine, long startTimeMs, string? pm2Name, long nowMs, ProcessPlace? place)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = """
            INSERT INTO processes (pid, start_ticks, start_time_ms, name, command_line, pm2_name, container, pod, first_seen_ms, last_seen_ms)
            VALUES ($pid, $ticks, $start, $name, $cmd, $pm2, $container, $pod, $now, $now)
            ON CONFLICT (host, pid, start_time_ms) DO UPDATE SET last_seen_ms = MAX(last_seen_ms, $now), name = $name,
                pm2_name = COALESCE($pm2, pm2_name), container = COALESCE($container, container), pod = COALESCE($pod, pod)
            RETURNING id
            """;
        cmd.Parameters.AddWithValue("$pid", identity.Pid);
        cmd.Parameters.AddWithValue("$ticks", identity.StartTicks);
        cmd.Parameters.AddWithValue("$start", startTimeMs);
        cmd.Parameters.AddWithValue("$name", name);
        cmd.Parameters.AddWithValue("$cmd", commandLine);
        cmd.Parameters.AddWithValue("$pm2", (object?)pm2Name ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$container", (object?)place?.Container ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$pod", (object?)place?.Pod ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", nowMs);
        long id = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
        return new WatchedProcess(id, identity, name, commandLine, startTimeMs, pm2Name);
    }

    /// <summary>Writes a batch in one transaction; when this returns the samples are durable (see the class summary).</summary>
    public void AddSamples(IReadOnlyList<(long ProcessId, Sample Sample)> batch)
    {
        if (batch.Count == 0) return;
        Writing(() => Insert(batch));
    }

    private bool Insert(IReadOnlyList<(long ProcessId, Sample Sample)> batch)
    {
        using var t = _connection.BeginTransaction();
        _insert.Transaction = t;
        var columns = SampleColumns.All;
        _lastSeen.Clear();
        for (int i = 0; i < batch.Count; i++)
        {
            var (processId, s) = batch[i];
            _insertParameters[0].Value = processId;
            _insertParameters[1].Value = s.TimeMs;
            for (int c = 0; c < columns.Length; c++)
            {
                double v = columns[c].Get(s);
                _insertParameters[c + 2].Value = columns[c].Real ? v : (long)v;
            }
            _insert.ExecuteNonQuery();
            _lastSeen[processId] = Math.Max(_lastSeen.GetValueOrDefault(processId), s.TimeMs);
        }
        using (var seen = _connection.CreateCommand())
        {
            seen.Transaction = t;
            seen.CommandText = "UPDATE processes SET last_seen_ms = MAX(last_seen_ms, $t) WHERE id = $p";
            var pt = seen.Parameters.Add("$t", SqliteType.Integer);
            var pp = seen.Parameters.Add("$p", SqliteType.Integer);
            foreach (var (id, time) in _lastSeen)
            {
                pt.Value = time;
                pp.Value = id;
                seen.ExecuteNonQuery();
            }
        }
        t.Commit();
        _insert.Transaction = null;
        return true;
    }

    /// <summary>Runs a write with its failure told as a <see cref="StoreException"/> (full, read-only, I/O error), so a
    /// caller can pause and retry, or stop with the right message. A failed transaction is rolled back on dispose.</summary>
    private T Writing<T>(Func<T> write)
    {
        try
        {
            return write();
        }
        catch (Exception e) when (StoreFaults.Translate(e, Path, "write") is { } fault)
        {
            _insert.Transaction = null;
            throw fault;
        }
    }

    /// <summary>Samples of a process between two times (inclusive), oldest first: per-minute rows (time = middle of the
    /// minute) where raw ones were rolled up, raw ones after.</summary>
    public IReadOnlyList<Sample> ReadSamples(long processId, long fromMs = long.MinValue, long toMs = long.MaxValue)
    {
        var result = new List<Sample>();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"""
            SELECT minute_ms + 30000 AS t, {SampleColumns.Names} FROM samples_minute
                WHERE process_id = $p AND minute_ms + 30000 BETWEEN $from AND $to
            UNION ALL
            SELECT time_ms AS t, {SampleColumns.Names} FROM samples WHERE process_id = $p AND time_ms BETWEEN $from AND $to
            ORDER BY t
            """;
        cmd.Parameters.AddWithValue("$p", processId);
        cmd.Parameters.AddWithValue("$from", fromMs);
        cmd.Parameters.AddWithValue("$to", toMs);
        using var r = cmd.ExecuteReader();
        while (r.Read()) result.Add(SampleColumns.Read(r));
        return result;
    }

    public long CountSamples(long? processId = null)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = processId is null ? "SELECT COUNT(*) FROM samples" : "SELECT COUNT(*) FROM samples WHERE process_id = $p";
        if (processId is not null) cmd.Parameters.AddWithValue("$p", processId.Value);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The processes of this host with this pid, most recently seen first (a pid names a process of one host: those
    /// agents reported from other hosts are left out).</summary>
    public IReadOnlyList<WatchedProcess> FindByPid(int pid) => QueryProcesses("WHERE host = '' AND pid = $pid ORDER BY last_seen_ms DESC", ("$pid", pid));

    /// <summary>Every process in the store, most recently seen first.</summary>
    public IReadOnlyList<WatchedProcess> AllProcesses() => QueryProcesses("ORDER BY last_seen_ms DESC");

    /// <summary>The process of this host with this pid that was alive at <paramref name="timeMs"/>: started before it and last seen no
    /// more than <paramref name="slackMs"/> before it. Null when no watched process fits.</summary>
    public WatchedProcess? FindAlive(int pid, long timeMs, long slackMs) =>
        QueryProcesses("WHERE host = '' AND pid = $pid AND start_time_ms <= $t + 2000 AND last_seen_ms >= $t - $slack ORDER BY start_time_ms DESC LIMIT 1",
            ("$pid", pid), ("$t", timeMs), ("$slack", slackMs)).FirstOrDefault();

    public long LastSeenMs(long processId) =>
        Convert.ToInt64(Scalar("SELECT last_seen_ms FROM processes WHERE id = $p", ("$p", processId)), CultureInfo.InvariantCulture);

    private List<WatchedProcess> QueryProcesses(string where, params (string Name, object Value)[] parameters)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT id, pid, start_ticks, name, command_line, start_time_ms, pm2_name FROM processes " + where;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        using var r = cmd.ExecuteReader();
        var list = new List<WatchedProcess>();
        while (r.Read())
            list.Add(new WatchedProcess(r.GetInt64(0), new ProcessIdentity(r.GetInt32(1), r.GetInt64(2)), r.GetString(3), r.GetString(4),
                r.GetInt64(5), r.IsDBNull(6) ? null : r.GetString(6)));
        return list;
    }

    public void AddEvent(long? processId, long timeMs, string kind, string detailJson) => Writing(() =>
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "INSERT INTO events (process_id, time_ms, kind, detail) VALUES ($p, $t, $k, $d)";
        cmd.Parameters.AddWithValue("$p", (object?)processId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$t", timeMs);
        cmd.Parameters.AddWithValue("$k", kind);
        cmd.Parameters.AddWithValue("$d", detailJson);
        return cmd.ExecuteNonQuery();
    });

    public IReadOnlyList<StoredEvent> ReadEvents(long? processId, long fromMs = long.MinValue, long toMs = long.MaxValue)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT id, process_id, time_ms, kind, detail FROM events WHERE ($p IS NULL OR process_id = $p) AND time_ms BETWEEN $f AND $to ORDER BY time_ms";
        cmd.Parameters.AddWithValue("$p", (object?)processId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$f", fromMs);
        cmd.Parameters.AddWithValue("$to", toMs);
        using var r = cmd.ExecuteReader();
        var list = new List<StoredEvent>();
        while (r.Read()) list.Add(StoredEvent.Read(r));
        return list;
    }

    /// <summary>Rolls raw samples older than <see cref="RetentionPolicy.Raw"/> into per-minute rows, drops per-minute rows
    /// older than <see cref="RetentionPolicy.PerMinute"/> and processes with nothing left. Returns the raw rows rolled up.</summary>
    public int ApplyRetention(RetentionPolicy policy, long nowMs) => Writing(() => Retain(policy, nowMs));

    private int Retain(RetentionPolicy policy, long nowMs)
    {
        // Whole minutes only, so a minute is never rolled up from half its samples.
        long rawCut = (nowMs - (long)policy.Raw.TotalMilliseconds) / 60000 * 60000;
        long minuteCut = nowMs - (long)policy.PerMinute.TotalMilliseconds;
        using var t = _connection.BeginTransaction();
        string aggregates = string.Join(", ", SampleColumns.All.Select(SampleColumns.Aggregate));
        Execute(_connection, $"""
            INSERT OR REPLACE INTO samples_minute (process_id, minute_ms, n, {SampleColumns.Names})
            SELECT process_id, time_ms / 60000 * 60000, COUNT(*), {aggregates} FROM samples WHERE time_ms < $raw
            GROUP BY process_id, time_ms / 60000
            """, t, ("$raw", rawCut));
        int rolled = Execute(_connection, "DELETE FROM samples WHERE time_ms < $raw", t, ("$raw", rawCut));
        Execute(_connection, "DELETE FROM samples_minute WHERE minute_ms < $cut", t, ("$cut", minuteCut));
        Execute(_connection, "DELETE FROM events WHERE time_ms < $cut", t, ("$cut", minuteCut));
        Execute(_connection, "DELETE FROM processes WHERE last_seen_ms < $cut", t, ("$cut", minuteCut));
        t.Commit();
        return rolled;
    }

    private object? Scalar(string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        return cmd.ExecuteScalar();
    }

    private static int Execute(SqliteConnection c, string sql, SqliteTransaction? t = null, params (string Name, object Value)[] parameters)
    {
        using var cmd = c.CreateCommand();
        cmd.Transaction = t;
        cmd.CommandText = sql;
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v);
        return cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _insert.Dispose();
        _connection.Dispose();
    }
}
