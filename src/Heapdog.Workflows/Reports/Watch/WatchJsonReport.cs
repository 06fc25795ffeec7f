using System.Text.Json;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Workflows.Reports.Watch;

/// <summary>Writes the end-of-watch JSON (the shape is documented in docs/watch.md; field names are a promise).</summary>
public static class WatchJsonReport
{
    public static void Write(Stream output, string dbPath, WatchOptions options, IReadOnlyList<ProcessTrack> tracks)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("db", dbPath);
        w.WriteNumber("intervalMs", (long)options.Interval.TotalMilliseconds);
        if (options.Duration is { } d) w.WriteNumber("durationMs", (long)d.TotalMilliseconds); else w.WriteNull("durationMs");
        w.WriteStartArray("processes");
        foreach (var t in tracks) WriteProcess(w, t);
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
    }

    private static void WriteProcess(Utf8JsonWriter w, ProcessTrack t)
    {
        var p = t.Process;
        w.WriteStartObject();
        w.WriteNumber("pid", p.Identity.Pid);
        w.WriteString("startTime", Format.Iso(p.StartTimeMs));
        w.WriteString("name", p.Name);
        w.WriteString("commandLine", p.CommandLine);
        if (p.Pm2Name is null) w.WriteNull("pm2Name"); else w.WriteString("pm2Name", p.Pm2Name);
        w.WriteBoolean("exited", t.Exited);
        if (t.Exited) w.WriteString("exitedAt", Format.Iso(t.ExitedAtMs)); else w.WriteNull("exitedAt");

        var h = t.History;
        w.WriteStartObject("samples");
        w.WriteNumber("count", t.SamplesWritten);
        if (h.Count > 0)
        {
            w.WriteString("first", Format.Iso(h[0].TimeMs));
            w.WriteString("last", Format.Iso(h[^1].TimeMs));
        }
        Range(w, "rss", h, s => s.Rss);
        Range(w, "v8Heap", h, s => s.V8Heap);
        Range(w, "native", h, s => s.Native);
        Range(w, "heapUsed", h, s => s.HeapUsed);
        Range(w, "heapTotal", h, s => s.HeapTotal);
        Range(w, "external", h, s => s.External);
        Range(w, "arrayBuffers", h, s => s.ArrayBuffers);
        Range(w, "cgroupUsage", h, s => s.CgroupUsage);
        var last = h.Count > 0 ? h[^1] : null;
        Nullable(w, "peakRss", last?.PeakRss);
        Nullable(w, "cgroupLimit", last?.CgroupLimit);
        Nullable(w, "cgroupOomKills", last?.CgroupOomKills);
        Nullable(w, "heapLimit", LastMeasured(h, s => s.HeapLimit));
        Nullable(w, "nativeContexts", LastMeasured(h, s => s.NativeContexts));
        Nullable(w, "detachedContexts", LastMeasured(h, s => s.DetachedContexts));
        Nullable(w, "gcCount", LastMeasured(h, s => s.GcCount));
        Nullable(w, "gcTimeMs", LastMeasured(h, s => s.GcTimeMs));
        Nullable(w, "threads", last?.Threads);
        Nullable(w, "openFds", last?.OpenFds);
        Nullable(w, "oomScore", last?.OomScore);
        Nullable(w, "oomScoreAdj", last?.OomScoreAdj);
        double cpuSum = 0, cpuMax = -1;
        int cpuN = 0;
        foreach (var s in h) if (s.CpuPercent >= 0) { cpuSum += s.CpuPercent; cpuMax = Math.Max(cpuMax, s.CpuPercent); cpuN++; }
        w.WriteStartObject("cpuPercent");
        if (cpuN > 0) { w.WriteNumber("mean", Math.Round(cpuSum / cpuN, 2)); w.WriteNumber("max", Math.Round(cpuMax, 2)); }
        else { w.WriteNull("mean"); w.WriteNull("max"); }
        w.WriteEndObject();
        w.WriteEndObject();

        if (t.Verdict is { } v) WriteVerdict(w, v); else w.WriteNull("verdict");
        w.WriteEndObject();
    }

    public static void WriteVerdict(Utf8JsonWriter w, Verdict v)
    {
        w.WriteStartObject("verdict");
        w.WriteString("status", VerdictAnalyzer.Name(v.Status));
        w.WriteString("growth", VerdictAnalyzer.Name(v.Growth));
        w.WriteString("text", v.Text);
        w.WriteBoolean("usedRuntimeFigures", v.UsedRuntimeFigures);
        w.WriteStartArray("series");
        foreach (var s in v.Series)
        {
            w.WriteStartObject();
            w.WriteString("name", s.Series);
            w.WriteString("state", VerdictAnalyzer.Name(s.State));
            if (s.Trend is { } tr)
            {
                w.WriteNumber("points", tr.Count);
                w.WriteNumber("windowSeconds", Math.Round(s.WindowSeconds, 1));
                w.WriteNumber("slopeBytesPerHour", Math.Round(s.SlopeBytesPerHour));
                w.WriteNumber("changeBytes", Math.Round(s.ChangeBytes));
                w.WriteNumber("levelBytes", Math.Round(s.Level));
                w.WriteNumber("tau", Math.Round(tr.Tau, 3));
                w.WriteNumber("pValue", tr.PValue);
                w.WriteNumber("noiseBytes", Math.Round(tr.ResidualSpread));
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (v.Forecast is { } f)
        {
            w.WriteStartObject("forecast");
            w.WriteString("limit", f.Limit);
            w.WriteNumber("limitBytes", f.LimitBytes);
            w.WriteNumber("currentBytes", f.CurrentBytes);
            w.WriteNumber("seconds", Math.Round(f.Seconds));
            w.WriteEndObject();
        }
        else w.WriteNull("forecast");
        w.WriteEndObject();
    }

    private static void Range(Utf8JsonWriter w, string name, IReadOnlyList<Sample> h, Func<Sample, long> get)
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
        if (first < 0) { w.WriteNull(name); return; }
        w.WriteStartObject(name);
        w.WriteNumber("first", first);
        w.WriteNumber("last", last);
        w.WriteNumber("min", min);
        w.WriteNumber("max", max);
        w.WriteEndObject();
    }

    /// <summary>The newest value that was measured: a runtime read can miss the last sample (a busy target).</summary>
    private static long LastMeasured(IReadOnlyList<Sample> h, Func<Sample, long> get)
    {
        for (int i = h.Count - 1; i >= 0; i--)
            if (get(h[i]) >= 0) return get(h[i]);
        return -1;
    }

    private static void Nullable(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v && v >= 0) w.WriteNumber(name, v); else w.WriteNull(name);
    }
}
