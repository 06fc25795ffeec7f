namespace Heapdog.Monitoring.Oom;

/// <summary>
/// One death (or pm2 restart) for lack of memory, assembled from one or more log lines. Fields a source does not give
/// are null. <see cref="Time"/> is absolute when the log says so; a raw dmesg line from another boot gives only
/// <see cref="UptimeSeconds"/>. Sizes in bytes.
/// </summary>
public sealed record OomEvent(OomEventKind Kind, string Source, int LineNumber)
{
    public int? Pid { get; set; }
    public string? Name { get; set; }
    public DateTimeOffset? Time { get; set; }
    public double? UptimeSeconds { get; set; }
    /// <summary>The comm of the task that invoked the OOM killer (the allocating task, often not the victim).</summary>
    public string? TriggeredBy { get; set; }
    public string? Constraint { get; set; }
    public string? OomMemcg { get; set; }
    public string? TaskMemcg { get; set; }
    public long? TotalVmBytes { get; set; }
    public long? AnonRssBytes { get; set; }
    public long? FileRssBytes { get; set; }
    public long? ShmemRssBytes { get; set; }
    public long? MemcgLimitBytes { get; set; }
    public long? MemcgUsageBytes { get; set; }
    public int? OomScoreAdj { get; set; }
    public int? Uid { get; set; }
    /// <summary>V8's words before "Allocation failed" (e.g. "Reached heap limit"), or pm2's restart sentence.</summary>
    public string? Reason { get; set; }
    public List<string> LastGcs { get; } = [];
    /// <summary>Heap snapshots the process wrote before dying (<c>Wrote snapshot to …</c>).</summary>
    public List<string> Snapshots { get; } = [];
    public int? Pm2Id { get; set; }
    public long? CurrentMemoryBytes { get; set; }
    public long? MaxMemoryBytes { get; set; }

    public static string KindName(OomEventKind kind) => kind switch
    {
        OomEventKind.KernelOomKill => "kernel-oom-kill",
        OomEventKind.CgroupOomKill => "cgroup-oom-kill",
        OomEventKind.V8HeapOom => "v8-heap-oom",
        _ => "pm2-memory-restart",
    };
}
