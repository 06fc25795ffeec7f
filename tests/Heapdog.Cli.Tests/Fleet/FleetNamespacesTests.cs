using System.Diagnostics;
using System.Globalization;

namespace Heapdog.Cli.Tests.Fleet;

/// <summary>
/// Three hosts on one dashboard: three network namespaces, each with its own loopback (so its own Node inspectors), a
/// leaking and a healthy Node service and a <c>heapdog agent</c>, reporting over veth pairs to one <c>heapdog serve</c>
/// in the test's namespace. The processes share the machine's pid namespace, as containers of one node do not; what the
/// test proves is the network side: every connection an agent makes is outbound, to the server's address on its link.
/// </summary>
public sealed class FleetNamespacesTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(4);

    [NetnsFact]
    public Task Fleet_ThreeHostsInNetworkNamespaces_ListedAndRemoteHuntOnHost2NamesTheLeak() => ThreeHostsAsync(postgres: false);

    /// <summary>The same fleet with the server's store on a real PostgreSQL (<c>serve --store postgresql://…</c>).</summary>
    [NetnsFact(Postgres = true)]
    public Task Fleet_ThreeHostsOnPostgres_ListedAndRemoteHuntOnHost2NamesTheLeak() => ThreeHostsAsync(postgres: true);

    private static async Task ThreeHostsAsync(bool postgres)
    {
        var namespaces = new List<NetworkNamespace>();
        var children = new List<ChildProcess>();
        using var database = postgres ? new PostgresServer() : null;
        try
        {
            for (int i = 1; i <= 3; i++) namespaces.Add(new NetworkNamespace(i));
            int port = LoopbackPort.Free();
            using var rig = await FleetRig.StartAsync(database, ["--urls", .. namespaces.Select(n => $"http://{n.Gateway}:{port.ToString(CultureInfo.InvariantCulture)}")]);
            var leaks = new Dictionary<string, int>();
            for (int i = 1; i <= 3; i++)
            {
                var ns = namespaces[i - 1];
                string host = "host-" + i.ToString(CultureInfo.InvariantCulture);
                var leaky = new NamespacedProcess(ns.Inside(Node("leaky-service.js")), $"leaky-service.js in {ns.Name}");
                var healthy = new NamespacedProcess(ns.Inside(Node("healthy-service.js")), $"healthy-service.js in {ns.Name}");
                children.Add(leaky);
                children.Add(healthy);
                await leaky.PortAsync();
                await healthy.PortAsync();
                leaks[host] = leaky.Pid;
                string token = await rig.CreateTokenAsync(host);
                string[] args = FleetRig.AgentArgs($"http://{ns.Gateway}:{port.ToString(CultureInfo.InvariantCulture)}", token, host, rig.Dir.File(host + ".db"),
                    "--pid", leaky.Pid.ToString(CultureInfo.InvariantCulture), "--pid", healthy.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "1s");
                children.Add(new NamespacedProcess(ns.Inside(HeapdogCommand.StartInfo(rig.Dir.Path, args)), $"heapdog agent in {ns.Name}"));
            }

            var hosts = await rig.WaitForAsync("api/hosts", h => Enumerable.Range(1, 3).All(i => h.EnumerateArray().Any(x =>
                x.GetProperty("name").GetString() == "host-" + i.ToString(CultureInfo.InvariantCulture) && x.GetProperty("processCount").GetInt32() == 2)),
                Long, "three hosts with two processes each");
            hosts.GetArrayLength().ShouldBe(4); // and the server's own
            foreach (var (host, pid) in leaks)
                (await rig.GetAsync($"api/processes?host={host}")).EnumerateArray().Select(p => p.GetProperty("pid").GetInt32()).ShouldContain(pid);

            long id = await rig.ProcessIdAsync("host-2", leaks["host-2"], Long);
            long job = (await rig.PostAsync($"api/processes/{id}/hunt?count=3&interval=2s")).GetProperty("job").GetProperty("id").GetInt64();
            var done = await rig.WaitForJobAsync(job, Long);
            done.GetProperty("state").GetString().ShouldBe("done", done.ToString() + string.Concat(children.Select(c => "\n" + c.Name + ":\n" + c.Output)));
            done.GetProperty("result").GetProperty("suspects").EnumerateArray()
                .ShouldContain(s => s.GetProperty("propertyPath").GetString() == "sentEvents");
            string metrics = await (await rig.Server.NewClient().GetAsync("metrics")).Content.ReadAsStringAsync();
            foreach (var (host, pid) in leaks)
                metrics.ShouldContain($"process_resident_memory_bytes{{pid=\"{pid.ToString(CultureInfo.InvariantCulture)}\",app=\"node\",host=\"{host}\"}}");
        }
        finally
        {
            foreach (var c in children) c.Dispose();
            foreach (var ns in namespaces) ns.Dispose();
        }
    }

    private static ProcessStartInfo Node(string script)
    {
        var start = new ProcessStartInfo("node") { RedirectStandardInput = true, WorkingDirectory = AppContext.BaseDirectory };
        start.ArgumentList.Add(NodeProgram.Locate(script));
        start.Environment.Remove("NODE_OPTIONS");
        return start;
    }
}
