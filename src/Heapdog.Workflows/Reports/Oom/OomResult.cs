using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Heapdog.Monitoring.Oom;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Workflows.Reports.Oom;

/// <summary><c>heapdog oom --json</c>: the logs read, and every death for lack of memory tied to what the store knows (docs/oom.md).</summary>
public sealed record OomResult(int SchemaVersion, IReadOnlyList<OomResult.LogSource> Sources, int SkippedLines, IReadOnlyList<OomResult.OomDeath> Events)
{
    /// <summary>One log read: its line counts, or only a note saying why it could not be read (then the counts are left out).</summary>
    public sealed record LogSource(
        string? Source,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Content,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Lines,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Recognized,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Skipped,
        string? Note);

    /// <summary>One death (or pm2 restart): what the logs say, sizes in bytes, null where a source does not tell.</summary>
    public sealed record OomDeath(
        string Kind,
        int? Pid,
        string? Name,
        string? Time,
        double? UptimeSeconds,
        string Source,
        int Line,
        string? TriggeredBy,
        string? Constraint,
        string? OomMemcg,
        string? TaskMemcg,
        long? TotalVmBytes,
        long? AnonRssBytes,
        long? FileRssBytes,
        long? ShmemRssBytes,
        long? MemcgLimitBytes,
        long? MemcgUsageBytes,
        int? OomScoreAdj,
        int? Uid,
        string? Reason,
        int? Pm2Id,
        long? CurrentMemoryBytes,
        long? MaxMemoryBytes,
        IReadOnlyList<string> LastGcs,
        IReadOnlyList<string> Snapshots,
        WatchedBefore? Watched);

    /// <summary>The watched process the death hit: its last samples before it and the verdict on them.</summary>
    public sealed record WatchedBefore(string Name, string CommandLine, string StartTime, IReadOnlyList<SampleBefore> LastSamples, WatchVerdict? Verdict);

    /// <summary>One of the last samples, in bytes; null for a figure that was not measured.</summary>
    public sealed record SampleBefore(string Time, long Rss, long? V8Heap, long? Native, long? HeapUsed, long? CgroupUsage);

    public static OomResult Build(IReadOnlyList<OomSources.SourceRead> reads, IReadOnlyList<OomFinding> findings, int skipped) =>
        new(1, [.. reads.Select(SourceOf)], skipped, [.. findings.Select(DeathOf)]);

    private static LogSource SourceOf(OomSources.SourceRead read)
    {
        if (read.Result is not { } r) return new LogSource(null, null, null, null, null, read.Note);
        var content = new List<string>(3);
        if (r.Content.HasFlag(LogContent.Kernel)) content.Add("kernel");
        if (r.Content.HasFlag(LogContent.NodeStderr)) content.Add("node-stderr");
        if (r.Content.HasFlag(LogContent.Pm2)) content.Add("pm2");
        return new LogSource(r.Source, content, r.Lines, r.Recognized, r.Skipped, null);
    }

    private static OomDeath DeathOf(OomFinding f)
    {
        var e = f.Event;
        var snapshots = new List<string>(e.Snapshots);
        foreach (var s in f.Snapshots)
        {
            using var detail = JsonDocument.Parse(s.Detail);
            if (detail.RootElement.TryGetProperty("path", out var path) && path.GetString() is { } p) snapshots.Add(p);
        }
        var watched = f.Process is { } w
            ? new WatchedBefore(w.Name, w.CommandLine, Format.Iso(w.StartTimeMs),
                [.. f.LastSamples.Select(s => new SampleBefore(Format.Iso(s.TimeMs), s.Rss, Measured(s.V8Heap), Measured(s.Native),
                    Measured(s.HeapUsed), Measured(s.CgroupUsage)))],
                f.Verdict is { } v ? WatchVerdict.From(v) : null)
            : null;
        return new OomDeath(OomEvent.KindName(e.Kind), e.Pid, e.Name,
            e.Time?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture), e.UptimeSeconds,
            e.Source, e.LineNumber, e.TriggeredBy, e.Constraint, e.OomMemcg, e.TaskMemcg, e.TotalVmBytes, e.AnonRssBytes,
            e.FileRssBytes, e.ShmemRssBytes, e.MemcgLimitBytes, e.MemcgUsageBytes, e.OomScoreAdj, e.Uid, e.Reason, e.Pm2Id,
            e.CurrentMemoryBytes, e.MaxMemoryBytes, e.LastGcs, snapshots, watched);
    }

    private static long? Measured(long value) => value >= 0 ? value : null;
}
