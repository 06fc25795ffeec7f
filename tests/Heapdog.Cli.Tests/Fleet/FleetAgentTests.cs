using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Heapdog.Cli.CommandLine;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Xunit.Abstractions;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary><c>heapdog agent</c> and <c>heapdog tokens</c> against a real <c>heapdog serve</c>, with real Node processes,
/// real stores and the faults the fleet must survive: a server killed while agents ship, an agent killed mid-upload, a
/// revoked token (docs/fleet.md).</summary>
public sealed class FleetAgentTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Agent_TokenRevoked_RefusedAndStops()
    {
        using var rig = await FleetRig.StartAsync();
        using var node = new NodeProgram("healthy-service.js");
        await node.PortAsync();
        string token = await rig.CreateTokenAsync("edge-1");
        token.Length.ShouldBe(43);
        using var agent = rig.StartAgent(token, "edge-1", rig.Dir.File("agent.db"), "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "250ms");

        var hosts = await rig.WaitForAsync("api/hosts", h => h.EnumerateArray().Any(x => x.GetProperty("name").GetString() == "edge-1"
            && x.GetProperty("processCount").GetInt32() == 1), Long, "edge-1 listed with its process");
        hosts[0].GetProperty("local").GetBoolean().ShouldBeTrue();
        (await rig.GetAsync("api/processes?host=edge-1")).EnumerateArray().ShouldHaveSingleItem().GetProperty("host").GetString().ShouldBe("edge-1");
        // The token is stored hashed: nothing of it in the store.
        (await File.ReadAllBytesAsync(rig.Db!)).AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(token)).ShouldBe(-1);

        using (var stranger = new HttpClient { BaseAddress = new Uri(rig.Url + "/") })
        {
            stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token-of-this-server");
            (await stranger.GetAsync("api/agent/jobs?host=edge-1&wait=0")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            // The admin token opens nothing of the agents' routes, and an agent's nothing else.
            stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FleetRig.AdminToken);
            (await stranger.GetAsync("api/agent/jobs?host=edge-1&wait=0")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            stranger.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await stranger.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }

        var revoke = await HeapdogCommand.RunAsync(rig.Dir.Path, ["tokens", "revoke", "edge-1", "--server", rig.Url], environment: FleetRig.Environment);
        revoke.ExitCode.ShouldBe(0, revoke.Stderr);
        (await agent.WaitForExitAsync(Long)).ShouldBe(ExitCodes.TargetUnavailable, agent.Output);
        agent.Stderr.ShouldContain("agent token 'edge-1' was revoked");
        using var revoked = new HttpClient { BaseAddress = new Uri(rig.Url + "/") };
        revoked.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        (await revoked.GetAsync("api/agent/jobs?host=edge-1&wait=0")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public Task Agent_ServerKilledMidIngestAndRestarted_NoSampleLostOrDuplicated() => ServerKilledMidIngestAsync(postgres: null);

    /// <summary>The same with the server's store on a real PostgreSQL: a batch committed there whose answer the killed
    /// server never sent is recognised when the agent sends it again.</summary>
    [PostgresFact]
    public async Task Agent_ServerOnPostgresKilledMidIngestAndRestarted_NoSampleLostOrDuplicated()
    {
        using var postgres = new PostgresServer();
        await ServerKilledMidIngestAsync(postgres);
    }

    private static async Task ServerKilledMidIngestAsync(PostgresServer? postgres)
    {
        using var rig = await FleetRig.StartAsync(postgres);
        using var node = new NodeProgram("healthy-service.js");
        await node.PortAsync();
        string token = await rig.CreateTokenAsync("edge-2");
        using var agent = rig.StartAgent(token, "edge-2", rig.Dir.File("agent.db"), "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "200ms");
        long id = await rig.ProcessIdAsync("edge-2", node.Pid, Long);

        // Killed while the agent ships every 200 ms, away for seconds while it keeps sampling into its buffer.
        rig.KillServer();
        await Task.Delay(TimeSpan.FromSeconds(4));
        await rig.RestartServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        node.Dispose();

        // The agent says how many samples it took once its process is gone; the server must hold exactly those, and the
        // one exit, after the agent caught up.
        await WaitForStderrAsync(agent, "every watched process has exited");
        long taken = long.Parse(System.Text.RegularExpressions.Regex.Match(agent.Stderr, @"after (\d+) samples").Groups[1].Value, CultureInfo.InvariantCulture);
        taken.ShouldBeGreaterThan(20);
        await rig.WaitForAsync($"api/processes/{id}", p => !p.GetProperty("alive").GetBoolean() && p.GetProperty("exitedAtMs").ValueKind != System.Text.Json.JsonValueKind.Null,
            Long, "the exit shipped");
        agent.Stderr.ShouldContain("server unreachable");
        agent.Stderr.ShouldContain("reached again");
        if (postgres is null)
        {
            using var store = SampleStore.OpenReadOnly(rig.Db!);
            store.CountSamples(id).ShouldBe(taken, agent.Output);
            store.ReadEvents(id).Count(e => e.Kind == EventKind.Exited).ShouldBe(1);
        }
        else
        {
            long Count(string sql) => long.Parse(postgres.Psql(sql, rig.Database!), CultureInfo.InvariantCulture);
            Count($"SELECT COUNT(*) FROM samples WHERE process_id = {id}").ShouldBe(taken, agent.Output);
            Count($"SELECT COUNT(*) FROM events WHERE process_id = {id} AND kind = '{EventKind.Exited}'").ShouldBe(1);
        }
    }

    [Fact]
    public async Task Agent_KilledMidUpload_ResumesAndChecksumMatches()
    {
        using var rig = await FleetRig.StartAsync();
        using var node = new NodeProgram("leaky-service.js", flags: ["--inspect-port=0"]);
        await node.PortAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // some heap to upload
        string token = await rig.CreateTokenAsync("edge-3");
        string buffer = rig.Dir.File("agent.db");
        string[] slow = ["--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "500ms", "--upload-rate", "512k"];
        var agent = rig.StartAgent(token, "edge-3", buffer, slow);
        long id = await rig.ProcessIdAsync("edge-3", node.Pid, Long);

        long job = (await rig.PostAsync($"api/processes/{id}/snapshot")).GetProperty("job").GetProperty("id").GetInt64();
        string snapshots = Path.Combine(rig.Dir.Path, "snapshots");
        string partial = Path.Combine(snapshots, $"remote-job{job}.heapsnapshot.partial");
        var deadline = DateTime.UtcNow + Long;
        while (!(File.Exists(partial) && new FileInfo(partial).Length >= 1 << 20) && DateTime.UtcNow < deadline) await Task.Delay(100);
        File.Exists(partial).ShouldBeTrue(agent.Output);
        agent.Kill();
        agent.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        long held = new FileInfo(partial).Length;
        agent.Dispose();

        using var again = rig.StartAgent(token, "edge-3", buffer, slow[..4]);
        var done = await rig.WaitForJobAsync(job, Long);
        done.GetProperty("state").GetString().ShouldBe("done", done.ToString() + again.Output);
        again.Stderr.ShouldContain($"job {job}: resuming the upload");
        var result = done.GetProperty("result");
        result.GetProperty("host").GetString().ShouldBe("edge-3");
        long snapshotId = result.GetProperty("snapshotId").GetInt64();
        var snapshot = await rig.GetAsync($"api/snapshots/{snapshotId}");
        string file = Directory.GetFiles(snapshots, "*edge-3-pid*.heapsnapshot").ShouldHaveSingleItem();
        await using (var stream = File.OpenRead(file))
            Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)).ShouldBe(result.GetProperty("sha256").GetString());
        new FileInfo(file).Length.ShouldBeGreaterThan(held);
        snapshot.GetProperty("state").GetString().ShouldBe(SnapshotState.Ready);
    }

    /// <summary>The issue's bound: a snapshot of more than 500 MB captured and uploaded by an agent whose peak RSS (VmHWM,
    /// its whole life: start, watching, capture, hashing, upload) stays under 100 MB, and the server's copy is the same
    /// file. The target holds 90 MB of "binary" strings that a snapshot writes as 550 MB of escapes (few objects, so the
    /// target builds it in seconds); about 1.3 GB of temporary disk: the agent's file, the server's and its index.</summary>
    [Fact]
    public async Task Agent_SnapshotOver500MegabytesUploaded_PeakRssUnder100MegabytesAndChecksumMatches()
    {
        const long MinimumSnapshot = 500_000_000, PeakRssBound = 100_000_000;
        using var rig = await FleetRig.StartAsync();
        using var node = new NodeProgram("binary-strings.js", flags: ["--inspect-port=0"]);
        await node.WaitForLineAsync(line => line == "ready", "its \"ready\" line", Long);
        string token = await rig.CreateTokenAsync("edge-4");
        using var agent = rig.StartAgent(token, "edge-4", rig.Dir.File("agent.db"), "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "1s");
        long id = await rig.ProcessIdAsync("edge-4", node.Pid, Long);

        long job = (await rig.PostAsync($"api/processes/{id}/snapshot")).GetProperty("job").GetProperty("id").GetInt64();
        var done = await rig.WaitForJobAsync(job, TimeSpan.FromMinutes(10));
        done.GetProperty("state").GetString().ShouldBe("done", done.ToString() + agent.Output);
        var status = ProcStatus.Parse(await File.ReadAllTextAsync($"/proc/{agent.Pid}/status")).ShouldNotBeNull();

        var result = done.GetProperty("result");
        long bytes = result.GetProperty("bytes").GetInt64();
        // The figure docs/fleet.md and bench/README.md quote (dotnet test … --logger "console;verbosity=detailed").
        output.WriteLine($"snapshot {bytes:N0} bytes; agent peak RSS {status.PeakRssBytes:N0} bytes, now {status.RssBytes:N0} " +
                         $"(anon {status.RssAnonBytes:N0}, file {status.RssFileBytes:N0}, shmem {status.RssShmemBytes:N0})");
        bytes.ShouldBeGreaterThan(MinimumSnapshot);
        status.PeakRssBytes.ShouldBeLessThan(PeakRssBound, $"agent peak RSS for a {bytes:N0}-byte snapshot: {status}");
        string file = Directory.GetFiles(Path.Combine(rig.Dir.Path, "snapshots"), "*edge-4-pid*.heapsnapshot").ShouldHaveSingleItem();
        new FileInfo(file).Length.ShouldBe(bytes);
        await using (var stream = File.OpenRead(file))
            Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)).ShouldBe(result.GetProperty("sha256").GetString());
    }

    private static async Task WaitForStderrAsync(ChildProcess process, string text)
    {
        var deadline = DateTime.UtcNow + Long;
        while (!process.Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline || process.HasExited) throw new TimeoutException($"{process.Name} did not print \"{text}\":\n{process.Output}");
            await Task.Delay(100);
        }
    }
}
