using Heapdog.Monitoring;

namespace Heapdog.Server.Processes;

/// <summary>One sample with the columns of a series: bytes (the OOM score as is), null for a figure not measured.</summary>
public sealed record ProcessSample(
    long TimeMs,
    long? Rss,
    long? HeapUsed,
    long? HeapTotal,
    long? V8Heap,
    long? Native,
    long? External,
    long? ArrayBuffers,
    long? HeapLimit,
    long? CgroupUsage,
    long? CgroupLimit,
    long? OomScore,
    double? CpuPercent)
{
    public static ProcessSample Of(Sample s) => new(s.TimeMs, Figure(s.Rss), Figure(s.HeapUsed), Figure(s.HeapTotal), Figure(s.V8Heap),
        Figure(s.Native), Figure(s.External), Figure(s.ArrayBuffers), Figure(s.HeapLimit), Figure(s.CgroupUsage), Figure(s.CgroupLimit),
        Figure(s.OomScore), s.CpuPercent >= 0 ? Math.Round(s.CpuPercent, 2) : null);

    private static long? Figure(long value) => value >= 0 ? value : null;
}
