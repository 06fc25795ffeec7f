namespace Heapdog.Monitoring;

/// <summary>
/// One reading of one process. Sizes in bytes, time in unix milliseconds; -1 means "not measured" (a figure the kernel
/// does not give, the address-space split taken only every few samples, or runtime figures without <c>--runtime</c>).
/// </summary>
public sealed class Sample
{
    public long TimeMs { get; set; }
    public long Rss { get; set; } = -1;
    public long RssAnon { get; set; } = -1;
    public long RssFile { get; set; } = -1;
    public long RssShmem { get; set; } = -1;
    public long PeakRss { get; set; } = -1;
    /// <summary>V8 heap pages committed, from the address-space split (<see cref="Processes.AddressSpaceLayout"/>).</summary>
    public long V8Heap { get; set; } = -1;
    /// <summary>Anonymous resident memory outside the V8 heap: RssAnon − V8Heap.</summary>
    public long Native { get; set; } = -1;
    /// <summary>CPU use since the previous sample, in percent of one core (-1 for the first sample).</summary>
    public double CpuPercent { get; set; } = -1;
    public long Threads { get; set; } = -1;
    public long OpenFds { get; set; } = -1;
    public long OomScore { get; set; } = -1;
    public long OomScoreAdj { get; set; } = -1;
    public long CgroupUsage { get; set; } = -1;
    public long CgroupLimit { get; set; } = -1;
    public long CgroupOomKills { get; set; } = -1;
    public long HeapUsed { get; set; } = -1;
    public long HeapTotal { get; set; } = -1;
    public long External { get; set; } = -1;
    public long ArrayBuffers { get; set; } = -1;
    public long HeapLimit { get; set; } = -1;
    public long NativeContexts { get; set; } = -1;
    public long DetachedContexts { get; set; } = -1;
    public long GcCount { get; set; } = -1;
    public long GcTimeMs { get; set; } = -1;

    /// <summary>Copies the runtime's own figures in.</summary>
    public void Apply(RuntimeFigures r)
    {
        HeapUsed = r.HeapUsed;
        HeapTotal = r.HeapTotal;
        External = r.External;
        ArrayBuffers = r.ArrayBuffers;
        HeapLimit = r.HeapSizeLimit;
        NativeContexts = r.NativeContexts;
        DetachedContexts = r.DetachedContexts;
        GcCount = r.GcCount;
        GcTimeMs = r.GcTimeMs;
    }
}
