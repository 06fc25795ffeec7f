namespace Heapdog.Cli.Tests;

/// <summary>A test that runs node in its own namespaces and cgroup (<see cref="NamespacedNode"/>): skipped, saying why,
/// where that cannot be done (not root, no unshare, no memory controller). CI runs as root and runs them.</summary>
public sealed class NamespacesFactAttribute : FactAttribute
{
    public NamespacesFactAttribute()
    {
        if (NamespacedNode.Unavailable is { } why) Skip = why;
    }
}
