using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Heapdog.Monitoring.Import;

/// <summary>
/// Reads the memory records users already keep into series of <see cref="Sample"/>s (docs/import.md):
/// <c>process.memoryUsage()</c> JSON lines, <c>pm2 jlist</c> dumps, pm2's max-memory-restart lines and Prometheus text
/// scrapes of prom-client's default metrics, each line behind any time prefix <see cref="RecordTime"/> reads. A line that
/// is none of these is counted as skipped and never stops the import. Resident memory outside the V8 heap is taken as
/// <c>rss − heapTotal</c> where both are known: the records carry no finer split.
/// </summary>
public sealed partial class MemoryLogParser
{
    private readonly string _defaultName;
    private readonly string? _only;
    private readonly Dictionary<string, SeriesBuilder> _series = new(StringComparer.Ordinal);
    private readonly HashSet<ImportFormat> _formats = [];
    /// <summary>One entry per moment a record was taken: a dump's apps share one.</summary>
    private readonly List<RecordTime> _times = [];
    private readonly List<(SeriesBuilder Series, Sample Sample, int Moment)> _records = [];
    private Dictionary<string, double>? _scrape;
    private RecordTime _scrapeTime;
    private int _lines, _skipped;

    /// <param name="defaultName">The series name for records that carry none (memoryUsage lines, scrapes): <c>--name</c>
    /// or the file's name.</param>
    /// <param name="only">With <c>--name</c>, only this pm2 app is read from jlist dumps.</param>
    private MemoryLogParser(string defaultName, string? only)
    {
        _defaultName = defaultName;
        _only = only;
    }

    [GeneratedRegex(@"Process (?<id>\d+) restarted because it exceeds --max-memory-restart value \(current_memory=(?<current>\d+) max_memory_limit=(?<max>\d+)")]
    private static partial Regex Pm2Restart();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?<labels>[^}]*)\})?\s+(?<value>\S+)(?:\s+(?<ts>-?\d+))?\s*$")]
    private static partial Regex PrometheusSample();

    /// <summary>Reads <paramref name="text"/>; <paramref name="fileTime"/> and <paramref name="interval"/> place records
    /// whose time is partial or missing (<see cref="RecordTime.Resolve"/>).</summary>
    public static ImportedFile Parse(string text, string defaultName, string? only, DateTimeOffset fileTime, TimeSpan interval)
    {
        var parser = new MemoryLogParser(defaultName, only);
        string trimmed = text.TrimStart();
        // A jlist dump as pm2 prints it: one JSON array, often over many lines.
        if (trimmed.StartsWith('[') && TryParseJson(trimmed) is { RootElement.ValueKind: JsonValueKind.Array } dump)
        {
            using (dump)
            {
                parser._lines = 1;
                parser.ReadJlist(dump.RootElement, RecordTime.None);
            }
        }
        else
        {
            foreach (var line in text.AsSpan().EnumerateLines()) parser.Feed(line.ToString());
        }
        return parser.Finish(fileTime, interval);
    }

    private void Feed(string raw)
    {
        string line = raw.Trim();
        if (line.Length == 0) return;
        _lines++;
        if (line.StartsWith('#')) return; // Prometheus' HELP and TYPE, a user's comment
        var time = RecordTime.Strip(ref line);
        // pm2 writes "PM2 log: " or "app-name: " between its time and the message.
        bool known = line.Length > 0 && line[0] switch
        {
            '{' => ReadObject(line, time),
            '[' => TryParseJson(line) is { RootElement.ValueKind: JsonValueKind.Array } jlist && ReadJlistOwned(jlist, time),
            _ => ReadPm2Restart(line, time) || ReadPrometheus(line, time),
        };
        if (!known) _skipped++;
    }

    private bool ReadObject(string line, RecordTime time)
    {
        using var doc = TryParseJson(line);
        if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object) return false;
        var o = doc.RootElement;
        long rss = Bytes(o, "rss"), heapUsed = Bytes(o, "heapUsed");
        if (rss < 0 && heapUsed < 0) return false;
        if (time == RecordTime.None)
            time = RecordTime.FromField(Text(o, "time") ?? Text(o, "timestamp") ?? Text(o, "ts"), Number(o, "time") ?? Number(o, "timestamp") ?? Number(o, "ts"));
        var sample = new Sample
        {
            Rss = rss,
            HeapUsed = heapUsed,
            HeapTotal = Bytes(o, "heapTotal"),
            External = Bytes(o, "external"),
            ArrayBuffers = Bytes(o, "arrayBuffers"),
        };
        Add(_defaultName, null, null, sample, Moment(time), ImportFormat.MemoryUsage);
        return true;
    }

    private bool ReadJlistOwned(JsonDocument jlist, RecordTime time)
    {
        using (jlist) return ReadJlist(jlist.RootElement, time);
    }

    private bool ReadJlist(JsonElement apps, RecordTime time)
    {
        bool any = false;
        int moment = _times.Count;
        foreach (var app in apps.EnumerateArray())
        {
            if (app.ValueKind != JsonValueKind.Object || Text(app, "name") is not { } name) continue;
            if (!app.TryGetProperty("monit", out var monit) || monit.ValueKind != JsonValueKind.Object) continue;
            any = true;
            if (_only is not null && name != _only) continue;
            var sample = new Sample { Rss = Bytes(monit, "memory"), CpuPercent = Number(monit, "cpu") ?? -1 };
            long? started = null;
            if (app.TryGetProperty("pm2_env", out var env) && env.ValueKind == JsonValueKind.Object)
            {
                started = Number(env, "pm_uptime") is { } up ? (long)up : null;
                // pm2's own metrics, when the app runs with them ("Used Heap Size": {"value": "23.45", "unit": "MiB"}).
                if (env.TryGetProperty("axm_monitor", out var axm) && axm.ValueKind == JsonValueKind.Object)
                {
                    sample.HeapUsed = Mebibytes(axm, "Used Heap Size");
                    sample.HeapTotal = Mebibytes(axm, "Heap Size");
                }
            }
            int? pid = Number(app, "pid") is { } p && p > 0 ? (int)p : null;
            Add(name, pid, started, sample, moment, ImportFormat.Pm2Jlist);
        }
        if (_records.Count > 0 && _records[^1].Moment == moment) _times.Add(time);
        return any;
    }

    private bool ReadPm2Restart(string line, RecordTime time)
    {
        var m = Pm2Restart().Match(line);
        if (!m.Success) return false;
        var sample = new Sample { Rss = long.Parse(m.Groups["current"].Value, CultureInfo.InvariantCulture) };
        Add(_defaultName, null, null, sample, Moment(time), ImportFormat.Pm2Restart);
        return true;
    }

    /// <summary>prom-client's default metrics this reads; a scrape ends when one of them comes round again.</summary>
    private static readonly string[] ScrapedMetrics =
    [
        "process_resident_memory_bytes", "nodejs_heap_size_used_bytes", "nodejs_heap_size_total_bytes", "nodejs_external_memory_bytes",
    ];

    private bool ReadPrometheus(string line, RecordTime time)
    {
        var m = PrometheusSample().Match(line);
        if (!m.Success || !double.TryParse(m.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)) return false;
        string name = m.Groups["name"].Value;
        if (Array.IndexOf(ScrapedMetrics, name) < 0) return true; // another metric of the scrape: read, not kept
        if (_scrape is not null && _scrape.ContainsKey(name)) FlushScrape();
        if (_scrape is null)
        {
            _scrape = new Dictionary<string, double>(StringComparer.Ordinal);
            _scrapeTime = m.Groups["ts"].Success ? RecordTime.FromField(null, double.Parse(m.Groups["ts"].Value, CultureInfo.InvariantCulture)) : time;
        }
        _scrape[name] = value;
        return true;
    }

    private void FlushScrape()
    {
        if (_scrape is not { } s) return;
        _scrape = null;
        long Get(string metric) => s.TryGetValue(metric, out double v) ? (long)v : -1;
        var sample = new Sample
        {
            Rss = Get("process_resident_memory_bytes"),
            HeapUsed = Get("nodejs_heap_size_used_bytes"),
            HeapTotal = Get("nodejs_heap_size_total_bytes"),
            External = Get("nodejs_external_memory_bytes"),
        };
        Add(_defaultName, null, null, sample, Moment(_scrapeTime), ImportFormat.Prometheus);
    }

    private int Moment(RecordTime time)
    {
        _times.Add(time);
        return _times.Count - 1;
    }

    private void Add(string name, int? pid, long? started, Sample sample, int moment, ImportFormat format)
    {
        if (!_series.TryGetValue(name, out var series)) _series[name] = series = new SeriesBuilder(name);
        series.Pid ??= pid;
        series.StartTimeMs ??= started;
        if (sample.Rss >= 0 && sample.HeapTotal >= 0) sample.Native = Math.Max(0, sample.Rss - sample.HeapTotal);
        _formats.Add(format);
        _records.Add((series, sample, moment));
    }

    private ImportedFile Finish(DateTimeOffset fileTime, TimeSpan interval)
    {
        FlushScrape();
        var times = RecordTime.Resolve(_times, fileTime, interval);
        foreach (var (owner, sample, moment) in _records)
        {
            sample.TimeMs = times[moment];
            owner.Samples.Add(sample);
        }
        var series = _series.Values
            .Where(s => s.Samples.Count > 0)
            .Select(s => new ImportedSeries(s.Name, s.Pid, s.StartTimeMs, [.. s.Samples.OrderBy(x => x.TimeMs)]))
            .ToList();
        return new ImportedFile([.. _formats.Order()], _lines, _records.Count, _skipped, series);
    }

    private sealed class SeriesBuilder(string name)
    {
        public string Name { get; } = name;
        public int? Pid { get; set; }
        public long? StartTimeMs { get; set; }
        public List<Sample> Samples { get; } = [];
    }

    private static JsonDocument? TryParseJson(string text)
    {
        try { return JsonDocument.Parse(text); }
        catch (JsonException) { return null; }
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static double? Number(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d) ? d : null;

    private static long Bytes(JsonElement o, string name) => Number(o, name) is { } d && d >= 0 ? (long)d : -1;

    private static long Mebibytes(JsonElement axm, string name) =>
        axm.TryGetProperty(name, out var metric) && metric.ValueKind == JsonValueKind.Object
        && Text(metric, "value") is { } text && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double mib)
            ? (long)(mib * 1024 * 1024)
            : -1;
}
