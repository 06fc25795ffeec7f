using System.Globalization;
using System.Security.Cryptography;
using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary>Remote jobs outlive a restart of the server (docs/fleet.md, What survives a restart): a real <c>heapdog
/// serve</c> killed (SIGKILL) and started again on the same store, real agents, real Node processes.</summary>
public sealed class RemoteJobRestartTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);
    private const int Chunk = 512 << 10; // the agent's chunk at --upload-rate 512k

    [Fact]
    public Task RemoteSnapshot_ServerKilledMidUpload_ResumesAtItsOffsetAndEndsWithTheChecksum() => ServerKilledMidUploadAsync(postgres: null);

    [PostgresFact]
    public async Task RemoteSnapshot_ServerOnPostgresKilledMidUpload_ResumesAtItsOffsetAndEndsWithTheChecksum()
    {
        using var postgres = new PostgresServer();
        await ServerKilledMidUploadAsync(postgres);
    }

    private static async Task ServerKilledMidUploadAsync(PostgresServer? postgres)
    {
        using var rig = await FleetRig.StartAsync(postgres);
        using var node = new NodeProgram("leaky-service.js", flags: ["--inspect-port=0"]);
        await node.PortAsync();
        await Task.Delay(TimeSpan.FromSeconds(3)); // some heap to upload
        string token = await rig.CreateTokenAsync("edge-4");
        using var agent = rig.StartAgent(token, "edge-4", rig.Dir.File("agent.db"),
            "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "500ms", "--upload-rate", "512k");
        long id = await rig.ProcessIdAsync("edge-4", node.Pid, Long);

        long job = (await rig.PostAsync($"api/processes/{id}/snapshot")).GetProperty("job").GetProperty("id").GetInt64();
        string snapshots = Path.Combine(rig.Dir.Path, "snapshots");
        string partial = Path.Combine(snapshots, $"remote-job{job}.heapsnapshot.partial");
        var deadline = DateTime.UtcNow + Long;
        while (!(File.Exists(partial) && new FileInfo(partial).Length >= 2 << 20) && DateTime.UtcNow < deadline) await Task.Delay(100);
        File.Exists(partial).ShouldBeTrue(agent.Output + rig.Server.Output);

        rig.KillServer();
        rig.Server.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        long held = new FileInfo(partial).Length;
        await Task.Delay(TimeSpan.FromSeconds(2)); // the agent finds the server gone
        await rig.RestartServerAsync();

        // The restarted server lists the job and kept what it had received: at most the chunks it had not recorded yet
        // (the one cut by the kill, and one written but not recorded) are cut back.
        File.Exists(partial).ShouldBeTrue(rig.Server.Output);
        long smallest = new FileInfo(partial).Length;
        smallest.ShouldBeGreaterThanOrEqualTo(held - 2 * Chunk, rig.Server.Output);
        (await rig.GetAsync("api/jobs")).EnumerateArray().ShouldContain(j => j.GetProperty("id").GetInt64() == job);
        rig.Server.Stderr.ShouldContain("took up 1 remote job(s)");

        // It never starts over: the partial file only grows until it is whole and moved into the library.
        deadline = DateTime.UtcNow + Long;
        while (File.Exists(partial) && DateTime.UtcNow < deadline)
        {
            try { smallest = Math.Min(smallest, new FileInfo(partial).Length); }
            catch (FileNotFoundException) { break; }
            await Task.Delay(50);
        }
        smallest.ShouldBeGreaterThanOrEqualTo(held - 2 * Chunk);
        var done = await rig.WaitForJobAsync(job, Long);
        done.GetProperty("state").GetString().ShouldBe("done", done + agent.Output + rig.Server.Output);
        agent.Stderr.ShouldContain($"job {job}: upload interrupted");
        agent.Stderr.ShouldNotContain("uploading again from the start");
        agent.Stderr.ShouldNotContain("dropped");

        var result = done.GetProperty("result");
        result.GetProperty("host").GetString().ShouldBe("edge-4");
        string file = Directory.GetFiles(snapshots, "*edge-4-pid*.heapsnapshot").ShouldHaveSingleItem();
        await using (var stream = File.OpenRead(file))
            Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)).ShouldBe(result.GetProperty("sha256").GetString());
        new FileInfo(file).Length.ShouldBe(result.GetProperty("bytes").GetInt64());
        new FileInfo(file).Length.ShouldBeGreaterThan(held);
        var snapshot = await rig.GetAsync($"api/snapshots/{result.GetProperty("snapshotId").GetInt64()}");
        snapshot.GetProperty("state").GetString().ShouldBe(SnapshotState.Ready);
        done.GetProperty("snapshotIds").EnumerateArray().Select(s => s.GetInt64()).ShouldBe([result.GetProperty("snapshotId").GetInt64()]);
    }

    [Fact]
    public async Task RemoteHunt_AskedJustBeforeTheServerRestarts_RunsWhenItsAgentReturnsAndItsReportOutlivesTheNextRestart()
    {
        using var rig = await FleetRig.StartAsync();
        using var node = new NodeProgram("leaky-service.js", flags: ["--inspect-port=0"]);
        await node.PortAsync();
        string token = await rig.CreateTokenAsync("edge-5");
        string buffer = rig.Dir.File("agent.db");
        string[] watch = ["--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "500ms"];
        var first = rig.StartAgent(token, "edge-5", buffer, watch);
        long id = await rig.ProcessIdAsync("edge-5", node.Pid, Long);
        first.Kill();
        first.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        first.Dispose();

        // Asked while the host's agent is away, so it waits for it; then the server is killed and started again.
        long job = (await rig.PostAsync($"api/processes/{id}/hunt?count=3&interval=2s")).GetProperty("job").GetProperty("id").GetInt64();
        rig.KillServer();
        rig.Server.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        await rig.RestartServerAsync();
        var waiting = await rig.GetAsync($"api/jobs/{job}");
        (waiting.GetProperty("kind").GetString(), waiting.GetProperty("phase").GetString()).ShouldBe(("hunt", "waiting for the agent of edge-5"));

        using var agent = rig.StartAgent(token, "edge-5", buffer, watch);
        var done = await rig.WaitForJobAsync(job, Long);
        done.GetProperty("state").GetString().ShouldBe("done", done + agent.Output + rig.Server.Output);
        done.GetProperty("result").GetProperty("suspects").EnumerateArray().ShouldContain(s => s.GetProperty("propertyPath").GetString() == "sentEvents");

        rig.KillServer();
        rig.Server.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        await rig.RestartServerAsync();
        var kept = await rig.GetAsync($"api/jobs/{job}");
        kept.GetProperty("state").GetString().ShouldBe("done");
        kept.GetProperty("endedMs").GetInt64().ShouldBe(done.GetProperty("endedMs").GetInt64());
        kept.GetProperty("result").GetRawText().ShouldBe(done.GetProperty("result").GetRawText());
        // New jobs are numbered after the kept ones.
        long next = (await rig.PostAsync($"api/processes/{id}/sample?duration=1s")).GetProperty("job").GetProperty("id").GetInt64();
        next.ShouldBeGreaterThan(job);
    }

    [Fact]
    public async Task Serve_RemoteJobsWhoseFilesWentWhileItWasDown_FailSayingSoAndStalePartialsRemoved()
    {
        using var rig = await FleetRig.StartAsync();
        rig.KillServer();
        rig.Server.WaitForExit(TimeSpan.FromSeconds(30)).ShouldBeTrue();
        string snapshots = Path.Combine(rig.Dir.Path, "snapshots");
        const long T0 = 1_750_000_000_000;
        var fleet = new FleetStore(rig.Db!);
        RemoteJobRecord Job(long jobId, string state) =>
            new(jobId, "edge-6", null, "capture", 4242, T0, $"{{\"id\":{jobId},\"kind\":\"capture\",\"pid\":4242,\"startTimeMs\":{T0}}}", state, 1, T0);
        fleet.SaveRemoteJob(Job(500, RemoteJobState.Running) with { UploadOffset = 4 << 20 }); // its partial file is gone
        fleet.SaveRemoteJob(Job(501, RemoteJobState.Uploaded) with
        {
            UploadOffset = 100, UploadBytes = 100, Sha256 = "ab", UploadPath = Path.Combine(snapshots, "gone.heapsnapshot"),
        });
        fleet.SaveRemoteJob(Job(502, RemoteJobState.Failed) with { Error = "on edge-6: process 4242 has exited", EndedMs = T0 + 5 });
        string stale = Path.Combine(snapshots, "remote-job502.heapsnapshot.partial"), orphan = Path.Combine(snapshots, "remote-job77.heapsnapshot.partial");
        await File.WriteAllTextAsync(stale, "{\"snapshot\":");
        await File.WriteAllTextAsync(orphan, "{\"snapshot\":");

        await rig.RestartServerAsync();

        var gone = await rig.GetAsync("api/jobs/500");
        gone.GetProperty("state").GetString().ShouldBe("failed");
        gone.GetProperty("error").GetString()!.ShouldContain("the 4194304 bytes of its snapshot received before are gone");
        (await rig.GetAsync("api/jobs/501")).GetProperty("error").GetString()!.ShouldContain("its uploaded snapshot is gone");
        var ended = await rig.GetAsync("api/jobs/502");
        (ended.GetProperty("state").GetString(), ended.GetProperty("error").GetString(), ended.GetProperty("endedMs").GetInt64())
            .ShouldBe(("failed", "on edge-6: process 4242 has exited", T0 + 5));
        File.Exists(stale).ShouldBeFalse();
        File.Exists(orphan).ShouldBeFalse();
        rig.Server.Stderr.ShouldContain("removed 2 partial upload(s)");
        rig.Server.Stderr.ShouldContain("remote job 500 (capture of pid 4242 on edge-6) failed");
        // Recorded as failed: the next start does not try them again.
        fleet.RemoteJobs().Where(j => j.Id is 500 or 501).ShouldAllBe(j => j.State == RemoteJobState.Failed);
    }
}
