using System.Globalization;

namespace Heapdog.Processes;

/// <summary>
/// Where a process runs when it runs in a container: the container (from its cgroup path), the Kubernetes pod (from
/// the kubelet's log tree, or the process's <c>HOSTNAME</c> as the pod name when the tree does not know it), its pid as
/// the container sees it. Every part is null when it cannot be told.
/// </summary>
public sealed record ProcessContainer(
    ContainerRef? Container,
    string? PodName,
    string? PodNamespace,
    string? PodUid,
    string? ContainerName,
    int? NamespacePid)
{
    /// <summary>Reads what <c>/proc/PID</c> tells about <paramref name="pid"/>'s container, looking pods up under
    /// <paramref name="podsRoot"/> (<see cref="KubeletPods.Root"/>). Null when the process is in no container: no
    /// container id in its cgroup path and the same pid namespace as its parent's root.</summary>
    public static ProcessContainer? Read(int pid, string podsRoot)
    {
        string dir = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}";
        var container = ProcessReader.TryReadText(dir + "/cgroup") is { } cgroup ? ContainerRef.FromCgroupFile(CgroupMemory.ParseCgroupFile(cgroup)) : null;
        var nsPids = ProcessReader.TryReadText(dir + "/status") is { } status ? ProcStatus.ParseNamespacePids(status) : [];
        int? nsPid = nsPids.Count > 1 ? nsPids[^1] : null;
        if (container is null && nsPid is null) return null;
        string? hostname = ProcessReader.TryReadEnvironmentVariable(pid, "HOSTNAME");
        // Docker without Kubernetes names the host after the container id: that is no pod name.
        if (hostname is not null && container is not null && container.ContainerId.StartsWith(hostname, StringComparison.Ordinal)) hostname = null;
        var pod = KubeletPods.Find(podsRoot, container?.PodUid, container?.PodUid is null ? hostname : null, container?.ContainerId);
        return new ProcessContainer(container, pod?.Name ?? hostname, pod?.Namespace, pod?.Uid ?? container?.PodUid, pod?.ContainerName, nsPid);
    }
}
