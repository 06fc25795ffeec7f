using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Heapdog.Inspector;

namespace Heapdog.Cli.Tests;

/// <summary>
/// A Node service as it runs in a Kubernetes pod, with no port published: its own network, pid, mount and UTS
/// namespaces, its own memory cgroup with a limit, and the kubelet's pod log tree (<see cref="NamespacedNode"/>). Heapdog
/// runs on the host, as a DaemonSet with hostPID would. The target keeps node's default inspector port, 9229: SIGUSR1
/// opens it on the pod's own loopback, and these tests hold the host's 127.0.0.1:9229 to prove nothing reaches it.
/// </summary>
public sealed class ContainerTargetTests
{
    private const long Limit = 800_000_000;

    [NamespacesFact]
    public async Task Serve_NodeInPod_ApiRowCarriesItsContainerAndPod()
    {
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var dir = new TempDirectory();
        using var server = await HeapdogProcess.StartServeAsync(dir.Path, ["--db", dir.File("s.db"), "--pid", node.NodePid.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["HEAPDOG_PODS_ROOT"] = node.PodsRoot });
        using var client = server.NewClient();
        string pod = $"{node.PodNamespace}/{node.PodName}";

        // The row is written when the watcher first tracks the process, which may come just after serve listens.
        JsonElement row = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var doc = JsonDocument.Parse(await client.GetStringAsync($"api/processes?pod={Uri.EscapeDataString(pod)}"));
            var rows = doc.RootElement.EnumerateArray().Select(r => r.Clone()).ToList();
            if (rows.Count > 0) { row = rows.ShouldHaveSingleItem(); break; }
            DateTime.UtcNow.ShouldBeLessThan(deadline, $"no process of pod {pod} in /api/processes; serve printed: {server.Stderr}");
            await Task.Delay(250);
        }

        row.GetProperty("pid").GetInt32().ShouldBe(node.NodePid);
        row.GetProperty("pod").GetString().ShouldBe(pod);
        row.GetProperty("container").GetString().ShouldBe(node.ContainerName);
        using var byContainer = JsonDocument.Parse(await client.GetStringAsync($"api/processes?container={node.ContainerName}&pod={Uri.EscapeDataString(pod)}"));
        byContainer.RootElement.GetArrayLength().ShouldBe(1);
        using var otherPod = JsonDocument.Parse(await client.GetStringAsync($"api/processes?pod={Uri.EscapeDataString(pod + "-other")}"));
        otherPod.RootElement.GetArrayLength().ShouldBe(0);
    }

    /// <summary>The same through the fleet: an agent watches the pod's node and ships its container and pod in its
    /// batches; the server's API filters on them.</summary>
    [NamespacesFact]
    public async Task Agent_NodeInPod_ServerRowCarriesItsContainerAndPod()
    {
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var rig = await Fleet.FleetRig.StartAsync();
        string token = await rig.CreateTokenAsync("node-7");
        using var agent = HeapdogProcess.Start(rig.Dir.Path,
            Fleet.FleetRig.AgentArgs(rig.Url, token, "node-7", rig.Dir.File("agent.db"), "--pid", node.NodePid.ToString(CultureInfo.InvariantCulture), "--interval", "250ms"),
            new Dictionary<string, string> { ["HEAPDOG_PODS_ROOT"] = node.PodsRoot });
        string pod = $"{node.PodNamespace}/{node.PodName}";

        var rows = await rig.WaitForAsync($"api/processes?host=node-7&pod={Uri.EscapeDataString(pod)}&container={node.ContainerName}",
            r => r.GetArrayLength() == 1, TimeSpan.FromMinutes(2), $"the agent's process of pod {pod}");

        var row = rows[0];
        row.GetProperty("pid").GetInt32().ShouldBe(node.NodePid);
        row.GetProperty("host").GetString().ShouldBe("node-7");
        row.GetProperty("pod").GetString().ShouldBe(pod);
        row.GetProperty("container").GetString().ShouldBe(node.ContainerName);
    }

    [NamespacesFact]
    public async Task Ps_NodeInPod_ShowsPodContainerPidInsideAndLimit()
    {
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var dir = new TempDirectory();

        var json = await HeapdogCommand.RunAsync(dir.Path, "ps", "--json", "--pods-root", node.PodsRoot);
        var table = await HeapdogCommand.RunAsync(dir.Path, ["ps"], environment: new Dictionary<string, string> { ["HEAPDOG_PODS_ROOT"] = node.PodsRoot });

        json.ExitCode.ShouldBe(0, json.Stderr);
        using var doc = JsonDocument.Parse(json.Stdout);
        var row = doc.RootElement.GetProperty("processes").EnumerateArray().Single(p => p.GetProperty("pid").GetInt32() == node.NodePid);
        row.GetProperty("podName").GetString().ShouldBe(node.PodName);
        row.GetProperty("podNamespace").GetString().ShouldBe(node.PodNamespace);
        row.GetProperty("podUid").GetString().ShouldBe(node.PodUid);
        row.GetProperty("containerName").GetString().ShouldBe(node.ContainerName);
        row.GetProperty("containerId").GetString().ShouldBe(node.ContainerId);
        row.GetProperty("containerRuntime").GetString().ShouldBe("containerd");
        row.GetProperty("containerPid").GetInt32().ShouldBe(1);
        row.GetProperty("cgroupMemoryLimitBytes").GetInt64().ShouldBe(node.LimitBytes);
        row.GetProperty("cgroupMemoryUsageBytes").GetInt64().ShouldBeInRange(1, node.LimitBytes);
        table.ExitCode.ShouldBe(0, table.Stderr);
        var line = table.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith(node.NodePid + " ", StringComparison.Ordinal));
        line.ShouldContain($"shop/{node.PodName}/api");
        line.ShouldContain($"containerd {node.ContainerId[..12]} pid 1");
        line.ShouldContain($"of {Heapdog.Monitoring.SizeText.Of(node.LimitBytes)}");
    }

    [NamespacesFact]
    public async Task Snapshot_NodeInOwnNetworkNamespace_WritesFileDevToolsReadsWithoutTouchingHostPort()
    {
        using var host9229 = HostInspectorPort.Hold();
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", node.NodePid.ToString(), "-o", "pod.heapsnapshot");

        run.ExitCode.ShouldBe(0, run.Stderr);
        string file = dir.File("pod.heapsnapshot");
        (await HeapSnapshotStreamCheck.CheckFileAsync(file)).ShouldBeNull();
        using (var devtools = JsonDocument.Parse(NodeProgram.Run(RepoPaths.Reference("devtools-numbers.mjs"), [file, "--no-objects"])))
            devtools.RootElement.GetProperty("nodeCount").GetInt32().ShouldBeGreaterThan(10_000);
        host9229.Connections.ShouldBe(0, "nothing may reach the host's own 127.0.0.1:9229");
        // The inspector Heapdog opened inside the pod is closed again: nothing listens there but what was there before.
        (await PodListenersAsync(node)).ShouldBeEmpty();
    }

    [NamespacesFact]
    public async Task Hunt_LeakInPod_NamesItWithItsSourceLocationWithoutTouchingHostPort()
    {
        using var host9229 = HostInspectorPort.Hold();
        using var node = NamespacedNode.Start("leaky-service.js", Limit);
        await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", "--pid", node.NodePid.ToString(), "--snapshots", "3", "--interval", "3s", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var suspects = doc.RootElement.GetProperty("suspects").EnumerateArray().ToList();
        var top = suspects.Take(3).Select(s => s.GetProperty("explanation").GetString()!).ToList();
        top.ShouldContain(e => e.Contains("sentEvents"), string.Join("\n", top));
        // Source locations are read through /proc/PID/root, the container's own file system.
        suspects[0].GetProperty("location").ToString().ShouldContain("leaky-service.js");
        host9229.Connections.ShouldBe(0, "nothing may reach the host's own 127.0.0.1:9229");
    }

    [NamespacesFact]
    public async Task Hunt_ServiceFilesOnlyInsidePod_ReadsItsSourceMapThroughProcRoot()
    {
        using var staging = new TempDirectory();
        var built = SourceMappedService.Write(staging.Path);
        // Empty on the host; inside the pod, a tmpfs holding the service: its map is found only through /proc/PID/root.
        using var app = new TempDirectory("heapdog-app-");
        string script = Path.Combine(app.Path, Path.GetRelativePath(staging.Path, built.Script));
        string source = Path.Combine(app.Path, Path.GetRelativePath(staging.Path, built.Source));
        using var node = NamespacedNode.Start(script, Limit, ["--serve"], privateFiles: (staging.Path, app.Path));
        await node.ReadyAsync();
        Directory.GetFileSystemEntries(app.Path).ShouldBeEmpty("the service's files exist inside the pod only");
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", "--pid", node.NodePid.ToString(), "--snapshots", "3", "--interval", "2s", "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var location = doc.RootElement.GetProperty("suspects").EnumerateArray().Select(s => s.GetProperty("location"))
            .FirstOrDefault(l => l.ValueKind == JsonValueKind.Object && l.GetProperty("script").GetString() == script);
        location.ValueKind.ShouldBe(JsonValueKind.Object, run.Stdout);
        var original = location.GetProperty("original");
        original.GetProperty("script").GetString().ShouldBe(source);
        original.GetProperty("line").GetInt32().ShouldBe(SourceMappedService.ConstructorSourceLine);
    }

    [NamespacesFact]
    public async Task WatchRuntime_NodeInPod_ReadsHeapThroughThePodsLoopbackWithoutTouchingHostPort()
    {
        using var host9229 = HostInspectorPort.Hold();
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "watch", "--pid", node.NodePid.ToString(), "--runtime", "--interval", "1s",
            "--duration", "4s", "--db", dir.File("watch.db"), "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var samples = doc.RootElement.GetProperty("processes")[0].GetProperty("samples");
        samples.GetProperty("heapUsed").GetProperty("last").GetInt64().ShouldBeGreaterThan(1_000_000, "heap figures come from the inspector");
        samples.GetProperty("cgroupLimit").GetInt64().ShouldBe(node.LimitBytes);
        host9229.Connections.ShouldBe(0, "nothing may reach the host's own 127.0.0.1:9229");
    }

    [NamespacesFact]
    public async Task Snapshot_PeakBeyondContainerLimit_RefusedWithCgroupFigures()
    {
        // 400,000 small objects: about 20 MB of heap, whose snapshot is estimated at several hundred MB, in a 160 MB
        // container.
        using var node = NamespacedNode.Start("object-holder.js", 160_000_000, args: ["400000"]);
        await node.ReadyAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", node.NodePid.ToString(), "-o", "big.heapsnapshot");

        run.ExitCode.ShouldBe(7, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: refusing to snapshot pid {node.NodePid}: it may grow by ");
        run.Stderr.ShouldMatch(@"but only [0-9.]+ [kM]B is left \(cgroup limit 160 MB - usage [0-9.]+ MB\); pass --ignore-headroom");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
        node.HasExited.ShouldBeFalse();
    }

    [NamespacesFact]
    public async Task Snapshot_WithoutCapSysAdmin_NamesTheCapabilityAndExit6()
    {
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var dir = new TempDirectory();
        // Root, but with CAP_SYS_ADMIN gone from the bounding set (util-linux setpriv): setns is refused.
        var start = new System.Diagnostics.ProcessStartInfo("setpriv")
        {
            WorkingDirectory = dir.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in (string[])["--bounding-set", "-sys_admin", "--inh-caps", "-sys_admin", "dotnet", "exec", HeapdogCommand.Dll,
                     "snapshot", node.NodePid.ToString(), "-o", "pod.heapsnapshot"])
            start.ArgumentList.Add(arg);

        using var heapdog = System.Diagnostics.Process.Start(start)!;
        var stderr = heapdog.StandardError.ReadToEndAsync();
        await heapdog.StandardOutput.ReadToEndAsync();
        await heapdog.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        heapdog.ExitCode.ShouldBe(6, await stderr);
        (await stderr).ShouldContain($"heapdog: cannot enter the network namespace of pid {node.NodePid}: reaching a process in a container needs CAP_SYS_ADMIN");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
    }

    [NamespacesFact]
    public async Task Snapshot_KubectlStandIn_ExecsSignalsForwardsAndClosesBoth()
    {
        // No cluster runs here: StandIn/kubectl does what kubectl and the kubelet would, with nsenter (see its header).
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, ["snapshot", "--kubectl", node.PodName, "-n", node.PodNamespace, "-c", node.ContainerName,
            "-o", "pod.heapsnapshot"], environment: StandInKubectl(node));

        run.ExitCode.ShouldBe(0, run.Stderr);
        (await HeapSnapshotStreamCheck.CheckFileAsync(dir.File("pod.heapsnapshot"))).ShouldBeNull();
        (await PodListenersAsync(node)).ShouldBeEmpty("the inspector SIGUSR1 opened is closed again");
        RelaysRunning().ShouldBe(0, "the port-forward is ended");
    }

    [NamespacesFact]
    public async Task Hunt_KubectlStandIn_NamesLeakInPod()
    {
        using var node = NamespacedNode.Start("leaky-service.js", Limit);
        await node.PortAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, ["hunt", "--kubectl", node.PodName, "--namespace", node.PodNamespace,
            "--snapshots", "3", "--interval", "3s", "--json"], environment: StandInKubectl(node));

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var top = doc.RootElement.GetProperty("suspects").EnumerateArray().Take(3).Select(s => s.GetProperty("explanation").GetString()!).ToList();
        top.ShouldContain(e => e.Contains("sentEvents"), string.Join("\n", top));
        RelaysRunning().ShouldBe(0, "the port-forward is ended");
    }

    [NamespacesFact]
    public async Task Snapshot_KubectlWrongNamespace_KubectlsOwnWordsAndExit6()
    {
        using var node = NamespacedNode.Start("steady.js", Limit);
        await node.ReadyAsync();
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, ["snapshot", "--kubectl", node.PodName, "-n", "elsewhere"], environment: StandInKubectl(node));

        run.ExitCode.ShouldBe(6, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: kubectl exec in pod elsewhere/{node.PodName} failed (exit 1): Error from server (NotFound): pods \"{node.PodName}\" not found");
        Directory.GetFileSystemEntries(dir.Path).ShouldBeEmpty();
    }

    private static Dictionary<string, string> StandInKubectl(NamespacedNode node)
    {
        string kubectl = Path.Combine(AppContext.BaseDirectory, "StandIn", "kubectl");
        // The build copies the script without its mode.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(kubectl, File.GetUnixFileMode(kubectl) | UnixFileMode.UserExecute);
        return new Dictionary<string, string>
        {
            ["KUBECTL"] = kubectl,
            ["STANDIN_POD"] = node.PodName,
            ["STANDIN_NAMESPACE"] = node.PodNamespace,
            ["STANDIN_CONTAINER"] = node.ContainerName,
            ["STANDIN_PID"] = node.NodePid.ToString(),
        };
    }

    /// <summary>Stand-in port-forwards still running (each is a node running port-forward-relay.js).</summary>
    private static int RelaysRunning() =>
        Heapdog.Processes.NodeProcessFinder.FindAll().Count(p => p.CommandLineText.Contains("port-forward-relay.js", StringComparison.Ordinal));

    private static async Task<List<IPEndPoint>> PodListenersAsync(NamespacedNode node)
    {
        // The inspector closes a moment after the session ends.
        for (int i = 0; i < 40; i++)
        {
            var listening = Heapdog.Processes.ListeningSockets.OfProcess(node.NodePid);
            if (listening.Count == 0) return listening;
            await Task.Delay(50);
        }
        return Heapdog.Processes.ListeningSockets.OfProcess(node.NodePid);
    }

    /// <summary>A listener on the host's own 127.0.0.1:9229 for the length of a test, counting who connects to it.</summary>
    private sealed class HostInspectorPort : IDisposable
    {
        private readonly TcpListener _listener;

        private HostInspectorPort(TcpListener listener) => _listener = listener;

        /// <summary>Connections waiting to be accepted: every one that reached the port.</summary>
        public int Connections
        {
            get
            {
                int n = 0;
                while (_listener.Pending())
                {
                    using var accepted = _listener.AcceptSocket();
                    n++;
                }
                return n;
            }
        }

        public static HostInspectorPort Hold()
        {
            // Another suite's target may hold 9229 for a moment (their tests run beside these on a developer machine).
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (true)
            {
                var listener = new TcpListener(IPAddress.Loopback, NodeInspector.DefaultPort);
                try
                {
                    listener.Start();
                    return new HostInspectorPort(listener);
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    listener.Dispose();
                    Thread.Sleep(200);
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
