namespace Heapdog.Monitoring.Store;

/// <summary>
/// Which store to use and where: <c>sqlite:PATH</c> (a file, the embedded default) or a PostgreSQL connection, given
/// as a URL (<c>postgresql://USER[:PASS]@HOST:PORT/DB</c>) or in key=value form (<c>Host=…;Username=…</c>).
/// <see cref="ToString"/> never shows a password.
/// </summary>
public sealed class StoreAddress
{
    public const string Sqlite = "sqlite";
    public const string Postgresql = "postgresql";

    private StoreAddress(string kind, string target, string display)
    {
        Kind = kind;
        Target = target;
        Display = display;
    }

    /// <summary><see cref="Sqlite"/> or <see cref="Postgresql"/>.</summary>
    public string Kind { get; }

    /// <summary>The SQLite file's full path, or the PostgreSQL connection text as given (it may hold a password).</summary>
    public string Target { get; }

    /// <summary>What users are shown: the file's path, or the PostgreSQL URL without its password.</summary>
    public string Display { get; }

    public static StoreAddress OfFile(string path)
    {
        string full = Path.GetFullPath(path);
        return new StoreAddress(Sqlite, full, full);
    }

    /// <summary>Reads <c>--store</c>'s value.</summary>
    /// <exception cref="FormatException">Neither <c>sqlite:PATH</c> nor a PostgreSQL URL or key=value string; the
    /// message never holds the password.</exception>
    public static StoreAddress Parse(string text)
    {
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            string path = text["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..]; // sqlite:///abs/path, as URLs spell it
            if (path.Length == 0) throw new FormatException("--store sqlite:PATH needs a file path");
            return OfFile(path);
        }
        if (text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || (text.Contains('=', StringComparison.Ordinal) && !text.Contains("://", StringComparison.Ordinal)))
            return new StoreAddress(Postgresql, text, PostgresConnection.Describe(PostgresConnection.Build(text)));
        throw new FormatException("--store takes sqlite:PATH, postgresql://USER@HOST:PORT/DB or a key=value PostgreSQL connection string");
    }

    public override string ToString() => Display;
}
