using Heapdog.Processes;

namespace Heapdog.Inspector;

/// <summary>
/// What a heap snapshot will cost the target, estimated before taking it, and the memory it has to spare.
/// The cost follows the number of objects, not their bytes (V8 builds a graph entry per object), but there is no cheap
/// way to count objects, so the count is derived from the heap bytes outside the large-object spaces at
/// <see cref="HeapBytesPerObject"/> each: the small-object worst case, so the estimate errs on the safe side.
/// Peak growth = objects × <see cref="PeakBytesPerObject"/> + large-object bytes. See docs/snapshot.md.
/// </summary>
public sealed record SnapshotCostEstimate(
    long HeapUsedBytes,
    long LargeObjectBytes,
    long EstimatedObjects,
    long EstimatedPeakBytes,
    long EstimatedFileBytes,
    long? HostAvailableBytes,
    long? CgroupLimitBytes,
    long? CgroupUsageBytes,
    long HeapLimitBytes)
{
    /// <summary>Average heap bytes per object in heaps of small objects (measured on Node 20: 43 to 58).</summary>
    public const int HeapBytesPerObject = 40;
    /// <summary>Peak extra memory per snapshot node (measured on Node 20: 560 to 880; 640 for 7.5 M objects).</summary>
    public const int PeakBytesPerObject = 900;
    /// <summary>File bytes per heap byte (measured: 1.1 to 1.9).</summary>
    public const double FileBytesPerHeapByte = 2.0;

    /// <summary>
    /// Memory the target can still take: the tightest of its cgroup's (its container's) limit minus usage, the host's
    /// MemAvailable and V8's heap limit minus the heap in use (a target near its heap limit is near its own OOM, and
    /// V8 may set that limit above the container's: nodejs/node#64646). Null when none is known.
    /// </summary>
    public long? HeadroomBytes => Tightest?.Bytes;

    /// <summary>The bound that gives <see cref="HeadroomBytes"/>, with its figures in words
    /// ("cgroup limit 256 MiB - usage 200 MiB"); null when none is known.</summary>
    public (long Bytes, HeadroomBound Bound)? Tightest
    {
        get
        {
            (long Bytes, HeadroomBound Bound)? best = null;
            void Consider(long? bytes, HeadroomBound bound)
            {
                if (bytes is long b && (best is null || b < best.Value.Bytes)) best = (Math.Max(0, b), bound);
            }
            Consider(CgroupLimitBytes is long limit && CgroupUsageBytes is long usage ? limit - usage : null, HeadroomBound.Cgroup);
            Consider(HostAvailableBytes, HeadroomBound.Host);
            Consider(HeapLimitBytes > 0 ? HeapLimitBytes - HeapUsedBytes : null, HeadroomBound.HeapLimit);
            return best;
        }
    }

    /// <summary>True when the estimated peak fits in the headroom (or the headroom is unknown).</summary>
    public bool Fits => HeadroomBytes is not long headroom || EstimatedPeakBytes <= headroom;

    /// <summary>
    /// Reads the heap figures and V8's heap limit of the heap <paramref name="heap"/> is a session of (the main thread's or
    /// a worker's), and the headroom of <paramref name="localPid"/>'s cgroup and of the host (null when the target is not a
    /// local process, e.g. behind a port-forward). A worker's heap lives in the same process, so it shares that headroom.
    /// </summary>
    public static async Task<SnapshotCostEstimate> MeasureAsync(CdpSession heap, int? localPid, CancellationToken cancellationToken)
    {
        var stats = await InspectedProcess.HeapStatisticsAsync(heap, cancellationToken).ConfigureAwait(false);
        long used = stats.GetProperty("heap").GetProperty("used_heap_size").GetInt64();
        long heapLimit = stats.GetProperty("heap").GetProperty("heap_size_limit").GetInt64();
        long large = 0;
        foreach (var space in stats.GetProperty("spaces").EnumerateArray())
            if (space.GetProperty("space_name").GetString()?.Contains("large_object", StringComparison.Ordinal) == true)
                large += space.GetProperty("space_used_size").GetInt64();
        return Estimate(used, large, heapLimit, localPid);
    }

    internal static SnapshotCostEstimate Estimate(long usedHeap, long largeObjects, long heapLimit, int? localPid)
    {
        long objects = Math.Max(0, usedHeap - largeObjects) / HeapBytesPerObject;
        long peak = objects * PeakBytesPerObject + largeObjects;
        long file = (long)(usedHeap * FileBytesPerHeapByte);
        if (localPid is not int pid) return new(usedHeap, largeObjects, objects, peak, file, null, null, null, heapLimit);
        long? available = HostMemory.Read() is { AvailableBytes: >= 0 } host ? host.AvailableBytes : null;
        var cgroup = CgroupMemory.ForPid(pid);
        return new(usedHeap, largeObjects, objects, peak, file, available, cgroup?.LimitBytes, cgroup?.LimitBytes is null ? null : cgroup.UsageBytes,
            heapLimit);
    }
}
