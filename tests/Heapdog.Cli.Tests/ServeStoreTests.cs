using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog serve --store</c>: the server and its watcher on a real PostgreSQL, or on SQLite named as such.</summary>
public sealed class ServeStoreTests
{
    private static readonly Dictionary<string, string> NoEnvironmentToken = new() { ["HEAPDOG_TOKEN"] = "" };

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string path) =>
        await http.GetFromJsonAsync<JsonElement>(path);

    /// <summary>Polls <paramref name="path"/> until <paramref name="done"/> holds, for up to a minute.</summary>
    private static async Task<JsonElement> WaitForAsync(HttpClient http, string path, Func<JsonElement, bool> done, string what)
    {
        var until = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var json = await GetJsonAsync(http, path);
            if (done(json)) return json;
            if (DateTime.UtcNow > until) throw new TimeoutException($"{what}: GET {path} still gave {json}");
            await Task.Delay(200);
        }
    }

    [PostgresFact]
    public async Task Serve_PostgresStore_WatchesIntoPostgresAndServesItThroughTheApi()
    {
        using var postgres = new PostgresServer();
        string db = postgres.CreateDatabase();
        using var dir = new TempDirectory();
        using var node = NodeProgram.Inline("setInterval(() => {}, 1000); console.log('ready')");
        await node.ReadyAsync();
        var environment = new Dictionary<string, string> { ["HEAPDOG_TOKEN"] = "", ["PGPASSWORD"] = postgres.Password, ["XDG_DATA_HOME"] = dir.Path };
        using var server = await HeapdogProcess.StartServeAsync(dir.Path,
            ["--store", postgres.Url(db), "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "200ms"], environment);
        using var http = server.NewClient();

        var health = await GetJsonAsync(http, "api/health");
        health.GetProperty("store").GetProperty("kind").GetString().ShouldBe("postgresql");
        health.GetProperty("db").GetString().ShouldBe(postgres.Url(db));
        var processes = await WaitForAsync(http, "api/processes", j => j.GetArrayLength() == 1, "the watched process");
        long id = processes[0].GetProperty("id").GetInt64();
        processes[0].GetProperty("pid").GetInt32().ShouldBe(node.Pid);
        var series = await WaitForAsync(http, $"api/processes/{id}/samples", j => j.GetProperty("values")[0].GetArrayLength() >= 3, "three samples");
        int rss = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList().IndexOf("rss");
        series.GetProperty("values")[rss][0].GetDouble().ShouldBeGreaterThan(0);

        // The rows are PostgreSQL's, not a file's: read back with psql, and no SQLite store was made.
        long.Parse(postgres.Psql($"SELECT COUNT(*) FROM samples WHERE process_id = {id}", db), CultureInfo.InvariantCulture).ShouldBeGreaterThanOrEqualTo(3);
        postgres.Psql("SELECT pid FROM processes", db).ShouldBe(node.Pid.ToString(CultureInfo.InvariantCulture));
        File.Exists(Path.Combine(dir.Path, "heapdog", "heapdog.db")).ShouldBeFalse();
        server.Output.ShouldContain(postgres.Url(db));
        server.Output.ShouldNotContain(postgres.Password);
    }

    [Fact]
    public async Task Serve_PostgresUnreachable_OneLineExit12WithoutThePassword()
    {
        using var dir = new TempDirectory();
        string url = $"postgresql://heapdog:hunter2-secret@127.0.0.1:{LoopbackPort.Free()}/fleet";
        var run = await HeapdogCommand.RunAsync(dir.Path, ["serve", "--store", url, "--urls", $"http://127.0.0.1:{LoopbackPort.Free()}"],
            environment: NoEnvironmentToken);
        run.ExitCode.ShouldBe(12, run.Stderr);
        string line = run.Stderr.Trim();
        line.ShouldStartWith("heapdog: cannot open store postgresql://heapdog@127.0.0.1:");
        line.Split('\n').Length.ShouldBe(1);
        (run.Stdout + run.Stderr).ShouldNotContain("hunter2-secret");
    }

    [Theory]
    [InlineData("mysql://root@db/fleet", "--store takes sqlite:PATH")]
    [InlineData("postgresql://:pw@db:5432/fleet", "needs a user name")]
    public async Task Serve_BadStore_RefusedWithExitCode2(string store, string message)
    {
        using var dir = new TempDirectory();
        var run = await HeapdogCommand.RunAsync(dir.Path, ["serve", "--store", store, "--urls", $"http://127.0.0.1:{LoopbackPort.Free()}"],
            environment: NoEnvironmentToken);
        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.ShouldContain(message);
        run.Stderr.ShouldNotContain(":pw@");
    }

    [Fact]
    public async Task Serve_StoreAndDb_RefusedWithExitCode2()
    {
        using var dir = new TempDirectory();
        var run = await HeapdogCommand.RunAsync(dir.Path, ["serve", "--store", "sqlite:" + dir.File("a.db"), "--db", dir.File("b.db"),
            "--urls", $"http://127.0.0.1:{LoopbackPort.Free()}"], environment: NoEnvironmentToken);
        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.Trim().ShouldBe("heapdog: --store and --db exclude each other: --db PATH is --store sqlite:PATH");
        File.Exists(dir.File("a.db")).ShouldBeFalse();
        File.Exists(dir.File("b.db")).ShouldBeFalse();
    }

    [Fact]
    public async Task Serve_SqliteStore_UsesThatFileAndSnapshotsBesideIt()
    {
        using var dir = new TempDirectory();
        using var server = await HeapdogProcess.StartServeAsync(dir.Path,
            ["--store", "sqlite:" + dir.File("fleet/h.db"), "--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)], NoEnvironmentToken);
        using var http = server.NewClient();
        var health = await GetJsonAsync(http, "api/health");
        health.GetProperty("store").GetProperty("kind").GetString().ShouldBe("sqlite");
        health.GetProperty("db").GetString().ShouldBe(dir.File("fleet/h.db"));
        health.GetProperty("snapshotsDir").GetString().ShouldBe(dir.File("fleet/snapshots"));
        File.Exists(dir.File("fleet/h.db")).ShouldBeTrue();
    }
}
