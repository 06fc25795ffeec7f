using System.Text.RegularExpressions;

namespace Heapdog.Processes;

/// <summary>
/// Which container a cgroup path belongs to, read from the path alone (as cAdvisor does): the container id, the
/// runtime that named the group, and the Kubernetes pod UID when the group sits under <c>kubepods</c>.
/// </summary>
/// <param name="Runtime">"docker", "containerd", "cri-o" or "podman"; null when the path names a container but not its
/// runtime (the kubelet's cgroupfs driver writes a bare id).</param>
/// <param name="ContainerId">The 64-hex-digit container id.</param>
/// <param name="PodUid">The pod's UID with dashes (<c>pod&lt;uid&gt;</c> or the systemd driver's <c>pod&lt;uid_with_underscores&gt;</c>); null outside Kubernetes.</param>
public sealed partial record ContainerRef(string? Runtime, string ContainerId, string? PodUid)
{
    /// <summary>
    /// Reads a cgroup path (one line's path of <c>/proc/PID/cgroup</c>, v1 or v2). Recognised shapes, the container's
    /// segment being the last one that carries an id:
    /// <list type="bullet">
    /// <item><c>/docker/ID</c>, <c>/system.slice/docker-ID.scope</c> (docker, cgroupfs and systemd drivers)</item>
    /// <item><c>/kubepods/burstable/podUID/ID</c>, <c>…/podUID/crio-ID</c> (kubelet cgroupfs driver)</item>
    /// <item><c>/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podU_I_D.slice/cri-containerd-ID.scope</c>,
    /// <c>…/crio-ID.scope</c>, <c>…/docker-ID.scope</c> (kubelet systemd driver)</item>
    /// <item><c>/machine.slice/libpod-ID.scope[/container]</c>, <c>/libpod_parent/libpod-ID</c>, rootless
    /// <c>/user.slice/…/libpod-ID.scope</c> (podman)</item>
    /// <item><c>/system.slice/nerdctl-ID.scope</c>, <c>/default/ID</c> under containerd's own namespaces are bare ids</item>
    /// </list>
    /// CRI-O's monitor (<c>crio-conmon-ID.scope</c>) is not the container. Null when no segment names a container.
    /// </summary>
    public static ContainerRef? Parse(string cgroupPath)
    {
        var segments = cgroupPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = segments.Length - 1; i >= 0; i--)
        {
            var match = ContainerSegment().Match(segments[i]);
            if (!match.Success) continue;
            string? runtime = match.Groups["prefix"].Value switch
            {
                "docker" => "docker",
                "cri-containerd" or "nerdctl" => "containerd",
                "crio" => "cri-o",
                "libpod" => "podman",
                _ => BareIdRuntime(segments.AsSpan(0, i)),
            };
            string? pod = null;
            for (int j = i - 1; j >= 0 && pod is null; j--)
            {
                var p = PodSegment().Match(segments[j]);
                if (p.Success) pod = p.Groups["uid"].Value.Replace('_', '-');
            }
            return new ContainerRef(runtime, match.Groups["id"].Value, pod);
        }
        return null;
    }

    /// <summary>The first container found among the entries of <c>/proc/PID/cgroup</c>, the v2 line first.</summary>
    public static ContainerRef? FromCgroupFile(IReadOnlyList<CgroupMemory.CgroupEntry> entries)
    {
        foreach (var e in entries.OrderBy(e => e.HierarchyId == 0 ? 0 : 1))
            if (Parse(e.Path) is { } found) return found;
        return null;
    }

    /// <summary>A bare id's runtime from the groups above it: docker's cgroupfs driver puts it under <c>/docker</c>,
    /// podman's under <c>/libpod_parent</c>; under <c>kubepods</c> or elsewhere it cannot be told.</summary>
    private static string? BareIdRuntime(ReadOnlySpan<string> parents)
    {
        foreach (var p in parents)
        {
            if (p == "docker") return "docker";
            if (p == "libpod_parent") return "podman";
        }
        return null;
    }

    [GeneratedRegex(@"^(?:(?<prefix>docker|cri-containerd|crio|libpod|nerdctl)-)?(?<id>[0-9a-f]{64})(?:\.scope)?$", RegexOptions.CultureInvariant)]
    private static partial Regex ContainerSegment();

    // "pod<uid>" (cgroupfs) or "kubepods-<qos>-pod<uid_with_underscores>.slice" (systemd).
    [GeneratedRegex(@"^(?:kubepods-(?:[a-z]+-)?)?pod(?<uid>[0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})(?:\.slice)?$", RegexOptions.CultureInvariant)]
    private static partial Regex PodSegment();
}
