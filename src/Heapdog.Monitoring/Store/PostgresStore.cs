using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Npgsql;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The store on PostgreSQL: a fleet's central store (<c>heapdog serve --store postgresql://…</c>), one object for the
/// watcher's writes (<see cref="ISampleStore"/>) and the dashboard's concurrent reads (<see cref="IDashboardStore"/>)
/// over one pooled <see cref="NpgsqlDataSource"/>.
/// Reconnecting: after PostgreSQL restarts, every pooled connection is dead. A call that fails on a lost connection
/// clears the pool and is run again, with a growing pause, for up to <see cref="RetryFor"/>; only then is it a
/// <see cref="StoreException"/> (<see cref="StoreProblem.Unreachable"/>), which the watcher treats as a paused store.
/// Running again never duplicates: each call is one transaction, and a sample batch is keyed (process, time) with
/// <c>ON CONFLICT DO UPDATE</c>, so a batch whose commit was lost in flight and is sent again is stored once. The two
/// inserts with no natural key (an event, a snapshot record) are run again only when the connection failed before
/// the insert was sent.
/// </summary>
public sealed partial class PostgresStore : ISampleStore, IDashboardStore
{
    private static readonly TimeSpan DefaultRetryFor = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _source;
    private readonly NpgsqlConnectionStringBuilder _settings;

    private PostgresStore(NpgsqlDataSource source, NpgsqlConnectionStringBuilder settings, TimeSpan retryFor)
    {
        _source = source;
        _settings = settings;
        RetryFor = retryFor;
        Location = PostgresConnection.Describe(settings);
    }

    public string Kind => StoreAddress.Postgresql;

    /// <summary><c>postgresql://USER@HOST:PORT/DB</c>, never with the password.</summary>
    public string Location { get; }

    /// <summary>How long a call keeps trying to reach PostgreSQL again after losing it.</summary>
    public TimeSpan RetryFor { get; }

    public int SchemaVersion => Run("read", idempotent: true, c =>
        Convert.ToInt32(Scalar(c, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version"), CultureInfo.InvariantCulture));

    /// <summary>Connects to the database <paramref name="connection"/> names (a URL or key=value string, see
    /// <see cref="StoreAddress"/>) and brings its schema up to date. Reaching the server at start is tried once: a
    /// wrong address fails now, with one line.</summary>
    /// <exception cref="StoreException">Unreachable, login refused, not a Heapdog schema, or from a newer Heapdog.</exception>
    public static PostgresStore Open(string connection, TimeSpan? retryFor = null)
    {
        NpgsqlConnectionStringBuilder settings;
        try { settings = PostgresConnection.Build(connection); }
        catch (FormatException e) { throw new StoreException(e.Message, e, StoreProblem.CannotOpen); }
        var builder = new NpgsqlSlimDataSourceBuilder(settings.ConnectionString);
        builder.EnableArrays();
        var source = builder.Build();
        var store = new PostgresStore(source, settings, retryFor ?? DefaultRetryFor);
        try
        {
            store.Migrate();
            return store;
        }
        catch (Exception e)
        {
            source.Dispose();
            if (store.Translate(e, "open") is { } fault) throw fault;
            throw;
        }
    }

    private void Migrate()
    {
        using var c = _source.OpenConnection();
        // One migrator at a time: two servers started together on one database must not both run a step.
        Exec(c, null, "SELECT pg_advisory_lock(7021978)");
        try
        {
            Exec(c, null, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL, description TEXT NOT NULL)");
            int current = Convert.ToInt32(Scalar(c, null, "SELECT COALESCE(MAX(version), 0) FROM schema_version"), CultureInfo.InvariantCulture);
            if (current > StoreMigrations.Latest)
                throw new StoreException($"store {Location} has schema version {current}, newer than this Heapdog understands ({StoreMigrations.Latest}); upgrade Heapdog");
            for (int i = 0; i < PostgresMigrations.Steps.Length; i++)
            {
                var (version, sql) = PostgresMigrations.Steps[i];
                if (version <= current) continue;
                using var t = c.BeginTransaction();
                if (sql.Length > 0) Exec(c, t, sql);
                Exec(c, t, "INSERT INTO schema_version (version, applied_ms, description) VALUES (@v, @t, @d)",
                    ("v", version), ("t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()), ("d", StoreMigrations.Steps[i].Description));
                t.Commit();
            }
        }
        finally
        {
            Exec(c, null, "SELECT pg_advisory_unlock(7021978)");
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection, again after a lost connection until <see cref="RetryFor"/>
    /// is spent (see the class summary). Not <paramref name="idempotent"/>: the connection is checked first, and the
    /// work is run again only if that check failed, never after the work itself was sent.
    /// </summary>
    private T Run<T>(string doing, bool idempotent, Func<NpgsqlConnection, T> work)
    {
        var clock = Stopwatch.StartNew();
        for (int attempt = 0; ; attempt++)
        {
            bool sent = false;
            try
            {
                using var c = _source.OpenConnection();
                if (!idempotent) Exec(c, null, "SELECT 1");
                sent = true;
                return work(c);
            }
            catch (Exception e) when (ConnectionLost(e) && (idempotent || !sent) && clock.Elapsed < RetryFor)
            {
                // After a restart every idle connection in the pool is dead: drop them all, not one per attempt.
                _source.Clear();
                Thread.Sleep(TimeSpan.FromMilliseconds(Math.Min(2000, 50 << Math.Min(attempt, 6))));
            }
            catch (Exception e) when (Translate(e, doing) is { } fault)
            {
                throw fault;
            }
        }
    }

    /// <summary>A failure that says the connection or the server went away (or is starting, or shutting down), not
    /// that the statement was wrong.</summary>
    private static bool ConnectionLost(Exception e) => e switch
    {
        PostgresException p => p.SqlState.StartsWith("08", StringComparison.Ordinal) || p.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || p.SqlState is "53300",
        NpgsqlException n => n.IsTransient || n.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>
    /// What a PostgreSQL failure means for the store, told as a <see cref="StoreException"/> naming the store without
    /// its password, or null for a failure that is a bug (a wrong statement), to be seen as such.
    /// </summary>
    private StoreException? Translate(Exception e, string doing)
    {
        if (e is StoreException same) return same;
        var (problem, why) = e switch
        {
            PostgresException { SqlState: "53100" } => (StoreProblem.DiskFull, "disk full on the PostgreSQL server"),
            PostgresException { SqlState: "25006" } => (StoreProblem.ReadOnly, "the database is read-only (a standby, or default_transaction_read_only)"),
            PostgresException { SqlState: "42501" } p => (StoreProblem.ReadOnly, "permission denied: " + p.MessageText),
            PostgresException p when p.SqlState.StartsWith("28", StringComparison.Ordinal) || p.SqlState is "3D000" =>
                (StoreProblem.Unreachable, p.MessageText),
            PostgresException p when ConnectionLost(p) => (StoreProblem.Unreachable, p.MessageText),
            PostgresException => (StoreProblem.NotAStore, null),
            _ when ConnectionLost(e) => (StoreProblem.Unreachable, Innermost(e)),
            NpgsqlException n => (StoreProblem.IoError, n.Message),
            _ => (StoreProblem.NotAStore, (string?)null),
        };
        if (why is null) return null;
        why = PostgresConnection.Redact(why, _settings);
        string message = problem switch
        {
            StoreProblem.Unreachable => $"cannot {doing} store {Location}: {why}",
            StoreProblem.ReadOnly => $"store {Location} is not writable: {why}",
            _ => $"cannot {doing} store {Location}: {why}",
        };
        return new StoreException(message, e, problem);
    }

    private static string Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e.Message;
    }

    private static NpgsqlCommand Command(NpgsqlConnection c, NpgsqlTransaction? t, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, c, t);
        foreach (var (n, v) in parameters) cmd.Parameters.AddWithValue(n, v ?? DBNull.Value);
        return cmd;
    }

    private static int Exec(NpgsqlConnection c, NpgsqlTransaction? t, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, t, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    private static object? Scalar(NpgsqlConnection c, NpgsqlTransaction? t, string sql, params (string Name, object? Value)[] parameters)
    {
        using var cmd = Command(c, t, sql, parameters);
        return cmd.ExecuteScalar();
    }

    public void Dispose() => _source.Dispose();
}
