namespace Heapdog.Workflows.Capture;

/// <summary>A Node process in a Kubernetes pod, reached with the user's own <c>kubectl</c> (docs/kubernetes.md).</summary>
/// <param name="Pod">The pod's name.</param>
/// <param name="Namespace">Its namespace; null for kubectl's current one.</param>
/// <param name="Container">The container; null for the pod's default one.</param>
/// <param name="Pid">The node process's pid inside the container; null to find the one node process there.</param>
public sealed record KubectlTarget(string Pod, string? Namespace, string? Container, int? Pid)
{
    /// <summary>The environment variable naming the kubectl to run; else <c>kubectl</c> on PATH.</summary>
    public const string KubectlVariable = "KUBECTL";

    /// <summary>"pod shop/checkout-1 (container api)", for messages.</summary>
    public override string ToString() =>
        $"pod {(Namespace is null ? "" : Namespace + "/")}{Pod}{(Container is null ? "" : $" (container {Container})")}";
}
