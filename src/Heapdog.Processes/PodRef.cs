namespace Heapdog.Processes;

/// <summary>A Kubernetes pod as the node's kubelet log tree names it; <see cref="ContainerName"/> is null when the tree
/// does not tell which of the pod's containers a process runs in.</summary>
public sealed record PodRef(string Namespace, string Name, string Uid, string? ContainerName);
