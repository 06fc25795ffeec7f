using System.Text.Json.Serialization;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Sampling;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Workflows.Reports.Watch;

/// <summary><c>heapdog watch --json</c>: one report per watched process at the end of the watch (docs/watch.md; field
/// names are a promise).</summary>
public sealed record WatchResult(int SchemaVersion, string Db, long IntervalMs, long? DurationMs, IReadOnlyList<WatchResult.WatchedReport> Processes)
{
    /// <summary>One watched process: who it was, a summary of its samples and its verdict (null before any sample).</summary>
    public sealed record WatchedReport(
        int Pid,
        string StartTime,
        string Name,
        string CommandLine,
        string? Pm2Name,
        bool Exited,
        string? ExitedAt,
        SampleSummary Samples,
        WatchVerdict? Verdict);

    /// <summary>The samples written: their count and time span (left out when there are none), each figure's range (null
    /// when never measured) and the newest value of the figures a range says little about.</summary>
    public sealed record SampleSummary(
        long Count,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? First,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Last,
        FigureRange? Rss,
        FigureRange? V8Heap,
        FigureRange? Native,
        FigureRange? HeapUsed,
        FigureRange? HeapTotal,
        FigureRange? External,
        FigureRange? ArrayBuffers,
        FigureRange? CgroupUsage,
        long? PeakRss,
        long? CgroupLimit,
        long? CgroupOomKills,
        long? HeapLimit,
        long? NativeContexts,
        long? DetachedContexts,
        long? GcCount,
        long? GcTimeMs,
        long? Threads,
        long? OpenFds,
        long? OomScore,
        long? OomScoreAdj,
        CpuSummary CpuPercent);

    /// <summary>A figure's first, last, smallest and largest measured value.</summary>
    public sealed record FigureRange(long First, long Last, long Min, long Max);

    /// <summary>CPU % (of one core) over the samples that measured it, rounded to 2 decimals; nulls when none did.</summary>
    public sealed record CpuSummary(double? Mean, double? Max);

    public static WatchResult Build(string dbPath, WatchOptions options, IReadOnlyList<ProcessTrack> tracks) =>
        new(1, dbPath, (long)options.Interval.TotalMilliseconds,
            options.Duration is { } d ? (long)d.TotalMilliseconds : null,
            [.. tracks.Select(BuildProcess)]);

    private static WatchedReport BuildProcess(ProcessTrack t)
    {
        var p = t.Process;
        var h = t.History;
        var last = h.Count > 0 ? h[^1] : null;
        double cpuSum = 0, cpuMax = -1;
        int cpuN = 0;
        foreach (var s in h) if (s.CpuPercent >= 0) { cpuSum += s.CpuPercent; cpuMax = Math.Max(cpuMax, s.CpuPercent); cpuN++; }
        var samples = new SampleSummary(
            t.SamplesWritten,
            h.Count > 0 ? Format.Iso(h[0].TimeMs) : null,
            h.Count > 0 ? Format.Iso(h[^1].TimeMs) : null,
            Range(h, s => s.Rss),
            Range(h, s => s.V8Heap),
            Range(h, s => s.Native),
            Range(h, s => s.HeapUsed),
            Range(h, s => s.HeapTotal),
            Range(h, s => s.External),
            Range(h, s => s.ArrayBuffers),
            Range(h, s => s.CgroupUsage),
            Measured(last?.PeakRss),
            Measured(last?.CgroupLimit),
            Measured(last?.CgroupOomKills),
            Measured(LastMeasured(h, s => s.HeapLimit)),
            Measured(LastMeasured(h, s => s.NativeContexts)),
            Measured(LastMeasured(h, s => s.DetachedContexts)),
            Measured(LastMeasured(h, s => s.GcCount)),
            Measured(LastMeasured(h, s => s.GcTimeMs)),
            Measured(last?.Threads),
            Measured(last?.OpenFds),
            Measured(last?.OomScore),
            Measured(last?.OomScoreAdj),
            cpuN > 0 ? new CpuSummary(Math.Round(cpuSum / cpuN, 2), Math.Round(cpuMax, 2)) : new CpuSummary(null, null));
        return new WatchedReport(p.Identity.Pid, Format.Iso(p.StartTimeMs), p.Name, p.CommandLine, p.Pm2Name, t.Exited,
            t.Exited ? Format.Iso(t.ExitedAtMs) : null, samples, t.Verdict is { } v ? WatchVerdict.From(v) : null);
    }

    private static FigureRange? Range(IReadOnlyList<Sample> h, Func<Sample, long> get)
    {
        long first = -1, last = -1, min = long.MaxValue, max = -1;
        foreach (var s in h)
        {
            long v = get(s);
            if (v < 0) continue;
            if (first < 0) first = v;
            last = v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return first < 0 ? null : new FigureRange(first, last, min, max);
    }

    /// <summary>The newest value that was measured: a runtime read can miss the last sample (a busy target).</summary>
    private static long LastMeasured(IReadOnlyList<Sample> h, Func<Sample, long> get)
    {
        for (int i = h.Count - 1; i >= 0; i--)
            if (get(h[i]) >= 0) return get(h[i]);
        return -1;
    }

    /// <summary>Null for the stores' "not measured" (a negative value).</summary>
    private static long? Measured(long? value) => value is { } v && v >= 0 ? v : null;
}
