using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary>A real <c>heapdog serve</c> with an admin token, and what the fleet tests ask of it: agent tokens made with
/// the real <c>heapdog tokens</c>, agents started as real <c>heapdog agent</c> processes, the API read and polled.</summary>
internal sealed class FleetRig : IDisposable
{
    public const string AdminToken = "fleet-admin-token-0123456789abcdef";
    public static readonly Dictionary<string, string> Environment = new() { ["HEAPDOG_TOKEN"] = AdminToken };

    private FleetRig(TempDirectory dir, HeapdogProcess server, int port, string[] serveArgs, Dictionary<string, string> serveEnvironment, string? db, string? database)
    {
        Dir = dir;
        Server = server;
        Port = port;
        _serveArgs = serveArgs;
        _serveEnvironment = serveEnvironment;
        Db = db;
        Database = database;
    }

    private readonly string[] _serveArgs;
    private readonly Dictionary<string, string> _serveEnvironment;

    public TempDirectory Dir { get; }
    public HeapdogProcess Server { get; private set; }
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";
    /// <summary>The server's SQLite file; null when the server's store is a PostgreSQL database.</summary>
    public string? Db { get; }

    /// <summary>The server's PostgreSQL database; null when the server's store is a SQLite file.</summary>
    public string? Database { get; }

    /// <summary>Starts <c>serve</c> on a free loopback port, watching only the test's own process (the agents' processes
    /// are theirs to report); <paramref name="more"/> adds options (more <c>--urls</c>).</summary>
    public static Task<FleetRig> StartAsync(params string[] more) => StartAsync(postgres: null, more);

    /// <summary>As <see cref="StartAsync(string[])"/>, on a fresh database of <paramref name="postgres"/>
    /// (<c>--store postgresql://…</c>, the password in <c>PGPASSWORD</c>) when it is given, else on a SQLite file.</summary>
    public static async Task<FleetRig> StartAsync(PostgresServer? postgres, params string[] more)
    {
        var dir = new TempDirectory();
        int port = LoopbackPort.Free();
        var environment = new Dictionary<string, string>(Environment);
        string? db = null, database = null;
        string[] store;
        if (postgres is null)
        {
            db = dir.File("server.db");
            store = ["--db", db];
        }
        else
        {
            database = postgres.CreateDatabase();
            // Snapshots in the test's directory, as beside a SQLite file: not in the user's data directory.
            store = ["--store", postgres.Url(database), "--snapshots", Path.Combine(dir.Path, "snapshots")];
            environment["PGPASSWORD"] = postgres.Password;
        }
        string[] args = [.. store, "--pid", System.Environment.ProcessId.ToString(CultureInfo.InvariantCulture), .. more];
        var server = await HeapdogProcess.StartServeAsync(dir.Path, args, environment, port);
        return new FleetRig(dir, server, port, args, environment, db, database);
    }

    /// <summary>Kills the server (SIGKILL: no shutdown of any kind).</summary>
    public void KillServer() => Server.Kill();

    /// <summary>Starts the server again on the same port and store.</summary>
    public async Task RestartServerAsync()
    {
        Server.Dispose();
        Server = await HeapdogProcess.StartServeAsync(Dir.Path, _serveArgs, _serveEnvironment, Port);
    }

    public async Task<string> CreateTokenAsync(string name)
    {
        var run = await HeapdogCommand.RunAsync(Dir.Path, ["tokens", "create", name, "--server", Url], environment: Environment);
        run.ExitCode.ShouldBe(0, run.Stderr);
        return run.Stdout.Trim();
    }

    public HeapdogProcess StartAgent(string token, string host, string buffer, params string[] more) =>
        HeapdogProcess.Start(Dir.Path, AgentArgs(Url, token, host, buffer, more));

    public static string[] AgentArgs(string url, string token, string host, string buffer, params string[] more) =>
        ["agent", "--server", url, "--token", token, "--host-name", host, "--buffer", buffer, .. more];

    public async Task<JsonElement> GetAsync(string path)
    {
        using var http = Server.NewClient();
        return await http.GetFromJsonAsync<JsonElement>(path);
    }

    public async Task<JsonElement> PostAsync(string path)
    {
        using var http = Server.NewClient();
        using var response = await http.PostAsync(path, null);
        string body = await response.Content.ReadAsStringAsync();
        response.IsSuccessStatusCode.ShouldBeTrue(body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls <paramref name="path"/> until <paramref name="done"/> holds, or fails with the last answer.</summary>
    public async Task<JsonElement> WaitForAsync(string path, Func<JsonElement, bool> done, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement last = default;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await GetAsync(path);
                if (done(last)) return last;
            }
            catch (HttpRequestException)
            {
                // The server is restarting: ask again.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"{what}: not within {timeout}; last answer of {path}: {last}\n{Server.Output}");
    }

    /// <summary>The one process of <paramref name="host"/> with this pid, once its agent reported it.</summary>
    public async Task<long> ProcessIdAsync(string host, int pid, TimeSpan timeout) =>
        (await WaitForAsync($"api/processes?host={host}", p => p.EnumerateArray().Any(x => x.GetProperty("pid").GetInt32() == pid), timeout,
            $"process {pid} of {host} on the server"))
        .EnumerateArray().First(x => x.GetProperty("pid").GetInt32() == pid).GetProperty("id").GetInt64();

    public Task<JsonElement> WaitForJobAsync(long id, TimeSpan timeout) =>
        WaitForAsync($"api/jobs/{id}", j => j.GetProperty("state").GetString() is "done" or "failed" or "cancelled", timeout, $"job {id} to end");

    public void Dispose()
    {
        Server.Dispose();
        Dir.Dispose();
    }
}
