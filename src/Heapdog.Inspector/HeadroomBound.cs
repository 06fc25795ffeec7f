namespace Heapdog.Inspector;

/// <summary>Which limit leaves a target the least memory to spare (<see cref="SnapshotCostEstimate.Tightest"/>).</summary>
public enum HeadroomBound
{
    /// <summary>Its cgroup's (its container's) memory limit minus the cgroup's usage.</summary>
    Cgroup,
    /// <summary>The host's MemAvailable.</summary>
    Host,
    /// <summary>V8's heap limit (<c>heap_size_limit</c>) minus the heap in use.</summary>
    HeapLimit,
}
