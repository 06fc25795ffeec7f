using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Heapdog.Testing;

/// <summary>
/// A real <c>node</c> as a Kubernetes node runs a pod's container, built from the kernel's own parts: its own network,
/// pid, mount and UTS namespaces (<c>unshare</c>; loopback up, hostname set to the pod's name, node as the pid
/// namespace's pid 1), its own memory cgroup with a limit, named as the kubelet's systemd driver names it
/// (<c>kubepods-pod&lt;uid&gt;.slice/cri-containerd-&lt;id&gt;.scope</c>, under a test group of its own), and a
/// kubelet-style pod log tree (<c>NAMESPACE_POD_UID/CONTAINER/0.log</c>) under a temporary root. Needs root;
/// <see cref="Unavailable"/> says why not. Dispose kills it and removes its cgroups and files.
/// </summary>
public sealed class NamespacedNode : ChildProcess
{
    private static readonly Lazy<string?> Probe = new(ProbeNamespaces);
    private readonly TempDirectory _pods;
    private readonly string _testGroup;

    private NamespacedNode(ProcessStartInfo start, string name, TempDirectory pods, string testGroup, string cgroup) : base(start, name)
    {
        _pods = pods;
        _testGroup = testGroup;
        CgroupDirectory = cgroup;
    }

    /// <summary>Why no namespaced node can run here (not root, no unshare, no memory cgroup), or null.</summary>
    public static string? Unavailable => Probe.Value;

    public string PodName { get; private init; } = "";
    public string PodNamespace { get; private init; } = "";
    public string PodUid { get; private init; } = "";
    public string ContainerName { get; private init; } = "";
    public string ContainerId { get; private init; } = "";
    public long LimitBytes { get; private init; }

    /// <summary>The kubelet-style pod log root (what <c>--pods-root</c> / HEAPDOG_PODS_ROOT name).</summary>
    public string PodsRoot => _pods.Path;

    /// <summary>The container's memory cgroup directory.</summary>
    public string CgroupDirectory { get; }

    /// <summary>Node's pid on the host (its pid inside is 1); set once it is found in the cgroup.</summary>
    public int NodePid { get; private set; }

    /// <summary>
    /// Starts <paramref name="script"/> (a path, or a name in Programs/) in a new pod and waits until node runs in its
    /// cgroup. <paramref name="flags"/> go to node itself. With <paramref name="privateFiles"/>, a tmpfs is mounted on
    /// <c>MountAt</c> inside the pod only and <c>CopyOf</c>'s files are copied onto it: files that exist in the
    /// container's file system and not on the host's (the script may then be one of them).
    /// </summary>
    public static NamespacedNode Start(string script, long limitBytes, IEnumerable<string>? args = null, IEnumerable<string>? flags = null,
        (string CopyOf, string MountAt)? privateFiles = null)
    {
        if (Unavailable is { } why) throw new InvalidOperationException(why);
        string pod = "checkout-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        string uid = Guid.NewGuid().ToString();
        string id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var (mount, version) = MemoryMount()!.Value;
        string testGroup = Path.Combine(mount, "heapdog-test-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)));
        string cgroup = Path.Combine(testGroup, $"kubepods-pod{uid.Replace('-', '_')}.slice", $"cri-containerd-{id}.scope");
        var pods = new TempDirectory("heapdog-pods-");
        try
        {
            if (version == 2) EnableMemoryController(mount, cgroup);
            Directory.CreateDirectory(cgroup);
            string limitFile = Path.Combine(cgroup, version == 2 ? "memory.max" : "memory.limit_in_bytes");
            File.WriteAllText(limitFile, limitBytes.ToString(CultureInfo.InvariantCulture));
            // The kernel keeps whole pages: the limit is what it reads back.
            long limit = long.Parse(File.ReadAllText(limitFile).Trim(), CultureInfo.InvariantCulture);
            string containerDir = Path.Combine(pods.Path, $"shop_{pod}_{uid}", "api");
            Directory.CreateDirectory(containerDir);
            File.WriteAllText(Path.Combine(containerDir, "0.log"), "");

            // The shell joins the cgroup, then becomes unshare, whose child (pid 1 inside) brings up loopback, takes the
            // pod's hostname and becomes node, as a container runtime's init would.
            string[] command = ["node", .. flags ?? [], privateFiles is null ? NodeProgram.Locate(script) : script, .. args ?? []];
            string node = string.Join(' ', command.Select(Quote));
            // unshare makes the new mount namespace's mounts private: the tmpfs is never seen on the host.
            string files = privateFiles is { } p
                ? $"mount -t tmpfs -o mode=0700 tmpfs {Quote(p.MountAt)} && cp -a {Quote(p.CopyOf + "/.")} {Quote(p.MountAt)} && "
                : "";
            string inner = $"ip link set lo up && hostname {pod} && {files}exec {node}";
            var start = new ProcessStartInfo("sh") { RedirectStandardInput = true, WorkingDirectory = AppContext.BaseDirectory };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add($"echo $$ > {Quote(Path.Combine(cgroup, "cgroup.procs"))} && exec unshare --net --pid --mount --mount-proc --uts --fork sh -c {Quote(inner)}");
            start.Environment.Remove("NODE_OPTIONS");
            start.Environment["HOSTNAME"] = pod; // Kubernetes sets it to the pod's name
            var child = new NamespacedNode(start, $"node {Path.GetFileName(script)} in pod {pod}", pods, testGroup, cgroup)
            {
                PodName = pod,
                PodNamespace = "shop",
                PodUid = uid,
                ContainerName = "api",
                ContainerId = id,
                LimitBytes = limit,
            };
            child.NodePid = child.FindNode(TimeSpan.FromSeconds(20));
            return child;
        }
        catch
        {
            RemoveGroups(testGroup);
            pods.Dispose();
            throw;
        }
    }

    /// <summary>Waits for the program's line "ready".</summary>
    public Task ReadyAsync(TimeSpan? timeout = null) => WaitForLineAsync(l => l == "ready", "\"ready\"", timeout);

    /// <summary>Waits for the program's "port N" line: the port on the pod's own loopback, which the host cannot reach.</summary>
    public async Task<int> PortAsync(TimeSpan? timeout = null)
    {
        string line = await WaitForLineAsync(l => l.StartsWith("port ", StringComparison.Ordinal), "a \"port N\" line", timeout).ConfigureAwait(false);
        return int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
    }

    /// <summary>Removes the cgroups (once empty) and the pod tree after Dispose killed node and unshare.</summary>
    protected override void OnDisposed()
    {
        RemoveGroups(_testGroup);
        _pods.Dispose();
    }

    private int FindNode(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            foreach (var line in File.ReadAllLines(Path.Combine(CgroupDirectory, "cgroup.procs")))
            {
                int pid = int.Parse(line, CultureInfo.InvariantCulture);
                string? exe = null;
                try { exe = new FileInfo($"/proc/{line}/exe").LinkTarget; }
                catch (IOException) { }
                if (exe is not null && Path.GetFileName(exe) == "node") return pid;
            }
            if (HasExited) throw new InvalidOperationException($"{Name} exited with {ExitCode} before node started{Printed()}");
            Thread.Sleep(50);
        }
        throw new TimeoutException($"{Name}: node did not start in its cgroup within {timeout}{Printed()}");
    }

    private static void RemoveGroups(string testGroup)
    {
        if (!Directory.Exists(testGroup)) return;
        // cgroup directories are removed leaf first, and only once their last process has gone.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        foreach (var dir in Directory.GetDirectories(testGroup, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(testGroup))
        {
            while (true)
            {
                try
                {
                    Directory.Delete(dir);
                    break;
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    Thread.Sleep(50);
                }
            }
        }
    }

    /// <summary>The memory controller's mount: v1's own hierarchy, else the v2 unified one.</summary>
    private static (string Path, int Version)? MemoryMount()
    {
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash < 0 || f.Length < dash + 4) continue;
            if (f[dash + 1] == "cgroup" && f[dash + 3].Split(',').Contains("memory")) return (f[4], 1);
        }
        foreach (var line in File.ReadLines("/proc/self/mountinfo"))
        {
            var f = line.Split(' ');
            int dash = Array.IndexOf(f, "-");
            if (dash > 0 && f[dash + 1] == "cgroup2" && f[3] == "/"
                && File.ReadAllText(Path.Combine(f[4], "cgroup.controllers")).Split(' ', '\n').Contains("memory"))
                return (f[4], 2);
        }
        return null;
    }

    /// <summary>v2 gives a group memory files only when its parent hands the controller down (cgroup.subtree_control).</summary>
    private static void EnableMemoryController(string mount, string cgroup)
    {
        string relative = Path.GetRelativePath(mount, Path.GetDirectoryName(cgroup)!);
        string dir = mount;
        foreach (var part in relative.Split('/'))
        {
            File.WriteAllText(Path.Combine(dir, "cgroup.subtree_control"), "+memory");
            dir = Path.Combine(dir, part);
            Directory.CreateDirectory(dir);
        }
        File.WriteAllText(Path.Combine(dir, "cgroup.subtree_control"), "+memory");
    }

    private static string? ProbeNamespaces()
    {
        if (Environment.UserName != "root") return "needs root (namespaces and cgroups); CI runs as root";
        if (MemoryMount() is null) return "no cgroup memory controller is mounted";
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--net", "--pid", "--mount", "--uts", "--fork", "sh", "-c", "ip link set lo up"])
            {
                RedirectStandardError = true,
            })!;
            string err = probe.StandardError.ReadToEnd();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : $"unshare cannot create namespaces here: {err.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"unshare is not available: {e.Message}";
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
