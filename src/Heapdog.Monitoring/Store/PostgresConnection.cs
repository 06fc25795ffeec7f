using System.Globalization;
using Npgsql;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// A PostgreSQL connection string from <c>--store</c>: a URL as libpq spells it
/// (<c>postgresql://USER[:PASS]@HOST[:PORT]/DB[?host=SOCKETDIR&amp;sslmode=…]</c>) or Npgsql's key=value form. The
/// password comes from the URL, else from <c>PGPASSWORD</c>; it is never part of what <see cref="Describe"/> or
/// <see cref="Redact"/> give, so it reaches no message or log.
/// </summary>
internal static class PostgresConnection
{
    public const string PasswordVariable = "PGPASSWORD";

    public static NpgsqlConnectionStringBuilder Build(string text)
    {
        var b = text.Contains("://", StringComparison.Ordinal) ? FromUrl(text) : FromKeyValues(text);
        if (string.IsNullOrEmpty(b.Password) && Environment.GetEnvironmentVariable(PasswordVariable) is { Length: > 0 } password)
            b.Password = password;
        if (string.IsNullOrEmpty(b.Database)) throw new FormatException("the PostgreSQL store needs a database name (postgresql://USER@HOST:PORT/DB)");
        if (string.IsNullOrEmpty(b.Username)) throw new FormatException("the PostgreSQL store needs a user name (postgresql://USER@HOST:PORT/DB)");
        // The batch insert and the chart reads are the same few statements over and over: prepared once per connection.
        if (b.MaxAutoPrepare == 0) b.MaxAutoPrepare = 32;
        b.ApplicationName ??= "heapdog";
        b.PersistSecurityInfo = false;
        return b;
    }

    private static NpgsqlConnectionStringBuilder FromKeyValues(string text)
    {
        try { return new NpgsqlConnectionStringBuilder(text); }
        catch (ArgumentException e)
        {
            // Npgsql's message names the key, never a value.
            throw new FormatException($"not a PostgreSQL connection string: {e.Message}", e);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgresql" or "postgres"))
            throw new FormatException("not a PostgreSQL URL: expected postgresql://USER[:PASS]@HOST[:PORT]/DB");
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host, Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) };
        if (!uri.IsDefaultPort && uri.Port > 0) b.Port = uri.Port;
        if (uri.UserInfo.Length > 0)
        {
            string[] parts = uri.UserInfo.Split(':', 2);
            b.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) b.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            string value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            switch (key)
            {
                case "host": b.Host = value; break; // a unix socket directory, as libpq allows
                case "port": b.Port = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "sslmode": b.SslMode = Enum.Parse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true); break;
                case "connect_timeout": b.Timeout = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "application_name": b.ApplicationName = value; break;
                default: throw new FormatException($"unknown parameter '{key}' in the PostgreSQL URL (known: host, port, sslmode, connect_timeout, application_name)");
            }
        }
        if (string.IsNullOrEmpty(b.Host)) throw new FormatException("the PostgreSQL URL needs a host (postgresql://USER@HOST:PORT/DB)");
        return b;
    }

    /// <summary>The store as users see it: <c>postgresql://USER@HOST:PORT/DB</c>, with no password.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder b)
    {
        string host = b.Host ?? "";
        string where = host.StartsWith('/') ? $"?host={host}" : "";
        string hostPart = where.Length > 0 ? "" : host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
        return $"postgresql://{Uri.EscapeDataString(b.Username ?? "")}@{hostPart}:{b.Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(b.Database ?? "")}{where}";
    }

    /// <summary>A server or driver message with the password taken out, should it ever appear in one.</summary>
    public static string Redact(string message, NpgsqlConnectionStringBuilder b) =>
        string.IsNullOrEmpty(b.Password) ? message : message.Replace(b.Password, "***", StringComparison.Ordinal);
}
