using System.Diagnostics;
using System.Globalization;

namespace Heapdog.Testing;

/// <summary>
/// A real PostgreSQL from Debian's <c>postgresql</c> package, made for one test run: <c>initdb</c> in a private
/// temporary data directory, <c>pg_ctl start</c> on a free port of 127.0.0.1 with its unix socket in that directory,
/// a superuser with a password (TCP logins need it, as a real server's would), torn down and deleted on Dispose.
/// PostgreSQL refuses to run as root: as root (CI) it runs as the <c>postgres</c> system user the package creates
/// (<c>runuser -u postgres --</c>), owning the directory. <see cref="Unavailable"/> says why none can be started here.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string User = "heapdog";

    private readonly TempDirectory _directory = new("heapdog-pg-");
    private readonly string _bin;
    private readonly string _data;
    private int _databases;

    public PostgresServer()
    {
        _bin = FindBin() ?? throw new InvalidOperationException(Unavailable);
        _data = _directory.File("data");
        Password = "pw-" + Guid.NewGuid().ToString("N");
        Port = LoopbackPort.Free();
        if (IsRoot) Run("chown", "-R", "postgres:postgres", _directory.Path);
        string pwfile = _directory.File("pwfile");
        File.WriteAllText(pwfile, Password + "\n");
        if (IsRoot) Run("chown", "postgres:postgres", pwfile);
        RunPg("initdb", "-D", _data, "-U", User, "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--no-sync", "--locale=C");
        File.Delete(pwfile);
        Start();
    }

    /// <summary>Null when a server can be started here; else why not (the reason a test is skipped with).</summary>
    public static string? Unavailable { get; } = WhyUnavailable();

    public int Port { get; }

    public string Password { get; }

    /// <summary>The unix socket's directory (local logins, no password).</summary>
    public string SocketDirectory => _directory.Path;

    /// <summary>The server's log, for a failure message.</summary>
    public string Log => File.Exists(_directory.File("log")) ? File.ReadAllText(_directory.File("log")) : "";

    /// <summary>A new empty database; its URL without the password (<see cref="Url"/>).</summary>
    public string CreateDatabase()
    {
        string name = "hd" + Interlocked.Increment(ref _databases).ToString(CultureInfo.InvariantCulture);
        Psql($"CREATE DATABASE {name}");
        return name;
    }

    /// <summary><c>postgresql://heapdog@127.0.0.1:PORT/DB</c>, with the password only when asked for.</summary>
    public string Url(string database, bool withPassword = false) =>
        $"postgresql://{User}{(withPassword ? ":" + Password : "")}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{database}";

    /// <summary>Runs one SQL statement as the superuser over the unix socket; returns its unaligned output.</summary>
    public string Psql(string sql, string database = "postgres") =>
        RunPg("psql", "-h", SocketDirectory, "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", User, "-d", database, "-At",
            "-v", "ON_ERROR_STOP=1", "-c", sql).Trim();

    /// <summary>Stops the server the way an administrator's restart does (<c>pg_ctl stop -m fast</c>: clients are cut off).</summary>
    public void Stop() => RunPg("pg_ctl", "-D", _data, "-m", "fast", "-w", "stop");

    public void Start() => RunPg("pg_ctl", "-D", _data, "-l", _directory.File("log"), "-w", "-t", "60", "-o",
        $"-p {Port} -k {SocketDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start");

    private static bool IsRoot => Environment.UserName == "root";

    private static string? FindBin() =>
        Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0).FirstOrDefault()
            : null;

    private static string? WhyUnavailable()
    {
        if (!OperatingSystem.IsLinux()) return "PostgreSQL tests need Linux and Debian's postgresql package";
        if (FindBin() is null) return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): apt-get install postgresql";
        if (IsRoot && !File.ReadLines("/etc/passwd").Any(l => l.StartsWith("postgres:", StringComparison.Ordinal)))
            return "running as root and there is no 'postgres' user to run PostgreSQL as (it refuses root)";
        return null;
    }

    private string RunPg(string tool, params string[] args) =>
        IsRoot ? Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]) : Run(Path.Combine(_bin, tool), args);

    private static string Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["LC_ALL"] = "C";
        using var p = Process.Start(start)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(120_000)) p.Kill(entireProcessTree: true);
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited {p.ExitCode}: {stderr.Result}{stdout}");
        return stdout;
    }

    public void Dispose()
    {
        try { RunPg("pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException)
        {
            // Already stopped (a test stopped it, or it never started): the directory goes anyway.
        }
        _directory.Dispose();
    }
}
