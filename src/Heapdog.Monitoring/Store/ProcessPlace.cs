using Heapdog.Processes;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// Where a watched process runs, as the store's <c>container</c> and <c>pod</c> columns keep it (and
/// <c>/api/processes</c> filters on it). <see cref="Container"/> is the container's name when the kubelet's pod tree
/// tells it (<c>api</c>), else the runtime and the id as docker prints it (<c>containerd:3f2a9c1b7d4e</c>, the bare
/// 12 digits when the runtime cannot be told). <see cref="Pod"/> is <c>NAMESPACE/POD</c>, or the pod's name alone when
/// only the process's <c>HOSTNAME</c> names it. Either is null when it cannot be told.
/// </summary>
public sealed record ProcessPlace(string? Container, string? Pod)
{
    /// <summary>The place of a process as <see cref="ProcessContainer.Read"/> found it; null outside any container.</summary>
    private static ProcessPlace? Of(ProcessContainer? found)
    {
        if (found is null) return null;
        string? container = found.ContainerName
            ?? (found.Container is { } c ? (c.Runtime is { } runtime ? $"{runtime}:{c.ContainerId[..12]}" : c.ContainerId[..12]) : null);
        string? pod = found.PodName is { } name ? (found.PodNamespace is { } ns ? $"{ns}/{name}" : name) : null;
        return container is null && pod is null ? null : new ProcessPlace(container, pod);
    }

    /// <summary>Where <paramref name="pid"/> runs now, pods looked up under <paramref name="podsRoot"/>
    /// (<see cref="KubeletPods.Root"/>).</summary>
    public static ProcessPlace? Read(int pid, string podsRoot) => Of(ProcessContainer.Read(pid, podsRoot));
}
