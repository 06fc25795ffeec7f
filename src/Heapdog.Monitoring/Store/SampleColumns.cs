using System.Data.Common;

namespace Heapdog.Monitoring.Store;

/// <summary>The sample figures as stored: one SQL column per <see cref="Sample"/> property, in one place so the schema,
/// the insert and the reads cannot drift apart. <see cref="Floor"/> marks the columns a per-minute row keeps as a
/// minimum (heap floors between GCs) rather than an average; <see cref="Peak"/> those kept as a maximum.</summary>
internal static class SampleColumns
{
    internal sealed record Column(string Name, Func<Sample, double> Get, Action<Sample, double> Set, bool Real = false, bool Floor = false, bool Peak = false);

    public static readonly Column[] All =
    [
        new("rss", s => s.Rss, (s, v) => s.Rss = (long)v),
        new("rss_anon", s => s.RssAnon, (s, v) => s.RssAnon = (long)v),
        new("rss_file", s => s.RssFile, (s, v) => s.RssFile = (long)v),
        new("rss_shmem", s => s.RssShmem, (s, v) => s.RssShmem = (long)v),
        new("peak_rss", s => s.PeakRss, (s, v) => s.PeakRss = (long)v, Peak: true),
        new("v8_heap", s => s.V8Heap, (s, v) => s.V8Heap = (long)v),
        new("native", s => s.Native, (s, v) => s.Native = (long)v),
        new("cpu_percent", s => s.CpuPercent, (s, v) => s.CpuPercent = v, Real: true),
        new("threads", s => s.Threads, (s, v) => s.Threads = (long)v),
        new("open_fds", s => s.OpenFds, (s, v) => s.OpenFds = (long)v),
        new("oom_score", s => s.OomScore, (s, v) => s.OomScore = (long)v),
        new("oom_score_adj", s => s.OomScoreAdj, (s, v) => s.OomScoreAdj = (long)v),
        new("cgroup_usage", s => s.CgroupUsage, (s, v) => s.CgroupUsage = (long)v),
        new("cgroup_limit", s => s.CgroupLimit, (s, v) => s.CgroupLimit = (long)v),
        new("cgroup_oom_kills", s => s.CgroupOomKills, (s, v) => s.CgroupOomKills = (long)v, Peak: true),
        new("heap_used", s => s.HeapUsed, (s, v) => s.HeapUsed = (long)v, Floor: true),
        new("heap_total", s => s.HeapTotal, (s, v) => s.HeapTotal = (long)v),
        new("external", s => s.External, (s, v) => s.External = (long)v),
        new("array_buffers", s => s.ArrayBuffers, (s, v) => s.ArrayBuffers = (long)v),
        new("heap_limit", s => s.HeapLimit, (s, v) => s.HeapLimit = (long)v),
        new("native_contexts", s => s.NativeContexts, (s, v) => s.NativeContexts = (long)v),
        new("detached_contexts", s => s.DetachedContexts, (s, v) => s.DetachedContexts = (long)v),
        new("gc_count", s => s.GcCount, (s, v) => s.GcCount = (long)v, Peak: true),
        new("gc_time_ms", s => s.GcTimeMs, (s, v) => s.GcTimeMs = (long)v, Peak: true),
    ];

    public static string Definitions => string.Join(", ", All.Select(c => $"{c.Name} {(c.Real ? "REAL" : "INTEGER")} NOT NULL DEFAULT -1"));

    /// <summary>The same columns in PostgreSQL's types: <c>REAL</c> is a 4-byte float there, so doubles are spelled out.</summary>
    public static string PostgresDefinitions => string.Join(", ", All.Select(c => $"{c.Name} {(c.Real ? "DOUBLE PRECISION" : "BIGINT")} NOT NULL DEFAULT -1"));

    public static string Names => string.Join(", ", All.Select(c => c.Name));

    /// <summary>SQL aggregate for one column of a per-minute row; -1 ("not measured") is left out of the aggregate.</summary>
    public static string Aggregate(Column c)
    {
        string fn = c.Floor ? "MIN" : c.Peak ? "MAX" : "AVG";
        string cast = c.Real ? "" : "CAST(";
        string end = c.Real ? "" : " AS INTEGER)";
        return $"COALESCE({cast}{fn}(NULLIF({c.Name}, -1)){end}, -1)";
    }

    /// <summary><see cref="Aggregate"/> in PostgreSQL: an average is truncated as SQLite's <c>CAST</c> truncates it
    /// (PostgreSQL's cast would round), so both stores roll a minute up to the same figures.</summary>
    public static string PostgresAggregate(Column c)
    {
        string fn = c.Floor ? "MIN" : c.Peak ? "MAX" : "AVG";
        string value = $"{fn}(NULLIF({c.Name}, -1))";
        return c.Real ? $"COALESCE({value}, -1)" : $"COALESCE(TRUNC({value})::BIGINT, -1)";
    }

    /// <summary>One sample from a row of <c>time, </c><see cref="Names"/>.</summary>
    public static Sample Read(DbDataReader r)
    {
        var s = new Sample { TimeMs = r.GetInt64(0) };
        // Each in its stored type: PostgreSQL's driver reads a BIGINT as a long only.
        for (int c = 0; c < All.Length; c++) All[c].Set(s, All[c].Real ? r.GetDouble(c + 1) : r.GetInt64(c + 1));
        return s;
    }
}
