using System.Globalization;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary>The fleet with its central store on a real PostgreSQL (<see cref="PostgresServer"/>): <c>heapdog serve --store
/// postgresql://…</c>, an agent token made with <c>heapdog tokens</c>, a real <c>heapdog agent</c> watching a leaking Node
/// service (docs/fleet.md, docs/store.md).</summary>
public sealed class FleetPostgresTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(3);

    [PostgresFact]
    public async Task Agent_ServerOnPostgres_HostAndItsProcessOnTheDashboardAndInTheDatabase()
    {
        using var postgres = new PostgresServer();
        using var rig = await FleetRig.StartAsync(postgres);
        using var node = new NodeProgram("leaky-service.js");
        await node.PortAsync();
        string token = await rig.CreateTokenAsync("pg-edge");
        using var agent = rig.StartAgent(token, "pg-edge", rig.Dir.File("agent.db"), "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "250ms");

        var hosts = await rig.WaitForAsync("api/hosts", h => h.EnumerateArray().Any(x => x.GetProperty("name").GetString() == "pg-edge"
            && x.GetProperty("processCount").GetInt32() == 1), Long, "pg-edge listed with its process");
        hosts.EnumerateArray().Count(x => x.GetProperty("name").GetString() == "pg-edge").ShouldBe(1);
        long id = await rig.ProcessIdAsync("pg-edge", node.Pid, Long);
        var process = (await rig.GetAsync("api/processes")).EnumerateArray().Single(p => p.GetProperty("id").GetInt64() == id);
        process.GetProperty("host").GetString().ShouldBe("pg-edge");
        process.GetProperty("pid").GetInt32().ShouldBe(node.Pid);
        var series = await rig.WaitForAsync($"api/processes/{id}/samples", j => j.GetProperty("values")[0].GetArrayLength() >= 3, Long, "three shipped samples");
        int rss = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList().IndexOf("rss");
        series.GetProperty("values")[rss][0].GetDouble().ShouldBeGreaterThan(0);

        // The rows are PostgreSQL's: the process under its host, the token as its hash only, the agent's last sequence.
        string db = rig.Database!;
        postgres.Psql($"SELECT host || ' ' || pid FROM processes WHERE id = {id}", db).ShouldBe($"pg-edge {node.Pid}");
        postgres.Psql("SELECT agent FROM hosts", db).ShouldBe("pg-edge");
        postgres.Psql("SELECT length(hash) FROM agent_tokens WHERE name = 'pg-edge'", db).ShouldBe("32");
        postgres.Psql($"SELECT COUNT(*) FROM agent_tokens WHERE position(convert_to('{token}', 'UTF8') in hash) > 0", db).ShouldBe("0");
        long.Parse(postgres.Psql("SELECT last_sequence FROM agent_batches", db), CultureInfo.InvariantCulture).ShouldBeGreaterThan(0);
        File.Exists(rig.Dir.File("server.db")).ShouldBeFalse();
        agent.HasExited.ShouldBeFalse(agent.Output);
    }
}
