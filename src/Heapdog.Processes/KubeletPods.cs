namespace Heapdog.Processes;

/// <summary>
/// Pod names from the kubelet's log tree on the node: <c>ROOT/&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;/&lt;container&gt;/N.log</c>
/// (ROOT is <c>/var/log/pods</c>), with the container's name told apart by its id through the links the kubelet keeps
/// beside it, <c>ROOT/../containers/&lt;pod&gt;_&lt;namespace&gt;_&lt;container&gt;-&lt;id&gt;.log</c>, when the pod has several.
/// </summary>
public static class KubeletPods
{
    /// <summary>Where the kubelet keeps pod logs unless <see cref="RootVariable"/> or <c>--pods-root</c> says otherwise.</summary>
    public const string DefaultRoot = "/var/log/pods";

    /// <summary>The environment variable naming the pod log root.</summary>
    public const string RootVariable = "HEAPDOG_PODS_ROOT";

    /// <summary>The root to read: <paramref name="option"/>, else <see cref="RootVariable"/>, else <see cref="DefaultRoot"/>.</summary>
    public static string Root(string? option = null) =>
        option ?? (Environment.GetEnvironmentVariable(RootVariable) is { Length: > 0 } env ? env : DefaultRoot);

    /// <summary>The pod with <paramref name="podUid"/>, or, without a UID, the one pod named <paramref name="podName"/>
    /// (a container's <c>HOSTNAME</c>); null when the tree has none (or several of that name).</summary>
    public static PodRef? Find(string root, string? podUid, string? podName, string? containerId)
    {
        if (podUid is null && podName is null) return null;
        string[] dirs;
        try { dirs = Directory.GetDirectories(root); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        PodRef? found = null;
        foreach (var dir in dirs)
        {
            if (ParseDirectoryName(Path.GetFileName(dir)) is not { } pod) continue;
            if (podUid is not null ? pod.Uid != podUid : pod.Name != podName) continue;
            if (found is not null) return null; // two pods of one name: not ours to guess
            found = pod with { ContainerName = ContainerOf(root, dir, pod, containerId) };
        }
        return found;
    }

    /// <summary><c>&lt;namespace&gt;_&lt;pod&gt;_&lt;uid&gt;</c> → the pod; null for other names. Neither a namespace nor a pod
    /// name may hold '_' (they are DNS labels and subdomains), so the split is unambiguous.</summary>
    public static PodRef? ParseDirectoryName(string name)
    {
        var parts = name.Split('_');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0)) return null;
        return new PodRef(parts[0], parts[1], parts[2], null);
    }

    private static string? ContainerOf(string root, string podDir, PodRef pod, string? containerId)
    {
        string[] containers;
        try { containers = Directory.GetDirectories(podDir); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
        if (containers.Length == 1) return Path.GetFileName(containers[0]);
        if (containerId is null || Path.GetDirectoryName(Path.GetFullPath(root)) is not { } parent) return null;
        string prefix = $"{pod.Name}_{pod.Namespace}_";
        string suffix = $"-{containerId}.log";
        try
        {
            foreach (var link in Directory.EnumerateFiles(Path.Combine(parent, "containers"), prefix + "*" + suffix))
            {
                string file = Path.GetFileName(link);
                return file[prefix.Length..^suffix.Length];
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
        return null;
    }
}
