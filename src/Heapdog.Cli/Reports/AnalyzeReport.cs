using System.Text.Json;
using Heapdog.Cli.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Cli.Reports;

/// <summary>The result of <c>heapdog analyze</c>, written as aligned text or as the JSON documented in docs/analyze.md.</summary>
public sealed class AnalyzeReport
{
    private readonly SnapshotAnalysis _analysis;
    private readonly AnalyzeOptions _options;
    private readonly string _path;
    private readonly TimeSpan _parseTime, _analyzeTime;
    private readonly List<HeapClass> _summary;
    private readonly int _matchingClasses;
    private readonly List<int> _largest;

    private AnalyzeReport(SnapshotAnalysis analysis, AnalyzeOptions options, string path, TimeSpan parseTime, TimeSpan analyzeTime)
    {
        _analysis = analysis;
        _options = options;
        _path = path;
        _parseTime = parseTime;
        _analyzeTime = analyzeTime;
        var matching = analysis.Classes.Where(c => c.Count > 0
            && (options.Filter is null || c.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase))).ToList();
        _matchingClasses = matching.Count;
        IEnumerable<HeapClass> sorted = options.Sort switch
        {
            SummarySort.Shallow => matching.OrderByDescending(c => c.ShallowSize),
            SummarySort.Count => matching.OrderByDescending(c => c.Count),
            SummarySort.Distance => matching.OrderByDescending(c => c.Distance),
            SummarySort.Name => matching.OrderBy(c => c.Name, StringComparer.Ordinal),
            _ => matching.OrderByDescending(c => c.RetainedSize),
        };
        _summary = (options.Top > 0 ? sorted.Take(options.Top) : sorted).ToList();
        _largest = LargestObjects(analysis, options.Objects);
    }

    public static AnalyzeReport Build(SnapshotAnalysis analysis, AnalyzeOptions options, string path, TimeSpan parseTime, TimeSpan analyzeTime) =>
        new(analysis, options, path, parseTime, analyzeTime);

    /// <summary>The objects with the largest retained sizes, leaving out the root and other synthetic nodes.</summary>
    private static List<int> LargestObjects(SnapshotAnalysis analysis, int count)
    {
        var s = analysis.Snapshot;
        int synthetic = s.Meta.NodeType("synthetic");
        var retained = analysis.RetainedSizes;
        // A bounded min-heap keeps this one pass over the nodes.
        var heap = new PriorityQueue<int, long>();
        for (int v = 0; v < s.NodeCount && count > 0; v++)
        {
            if (s.NodeTypes[v] == synthetic) continue;
            if (heap.Count < count) heap.Enqueue(v, retained[v]);
            else if (retained[v] > retained[heap.Peek()]) heap.EnqueueDequeue(v, retained[v]);
        }
        var result = new List<int>(heap.Count);
        while (heap.Count > 0) result.Add(heap.Dequeue());
        result.Reverse();
        return result;
    }

    public void WriteText(TextWriter output)
    {
        var s = _analysis.Snapshot;
        var st = _analysis.Statistics;
        output.WriteLine($"Heap snapshot {_path}");
        output.WriteLine($"  file {Format.Size(s.FileSize)}, {Format.Count(s.NodeCount)} nodes, {Format.Count(s.EdgeCount)} edges, total heap {Format.Size(_analysis.TotalSize)}");
        output.WriteLine($"  read in {Format.Duration(_parseTime)}, analysed in {Format.Duration(_analyzeTime)}");
        output.WriteLine();
        output.WriteLine("Statistics");
        var stats = new TextTable(("", false), ("size", true), ("share", true));
        void Stat(string name, long value) => stats.AddRow(name, Format.Size(value), st.Total > 0 ? Format.Percent((double)value / st.Total) : "-");
        Stat("Total", st.Total);
        Stat("V8 heap", st.V8Heap);
        Stat("Native", st.Native);
        Stat("Code", st.Code);
        Stat("Strings", st.Strings);
        Stat("JS arrays", st.JsArrays);
        Stat("Typed arrays", st.TypedArrays);
        Stat("System objects", st.System);
        stats.Write(output);
        output.WriteLine();

        string shown = _summary.Count < _matchingClasses ? $"top {_summary.Count} of {Format.Count(_matchingClasses)}" : $"{Format.Count(_matchingClasses)}";
        output.WriteLine($"Summary by class ({shown} classes{(_options.Filter is null ? "" : $" matching '{_options.Filter}'")}, by {_options.Sort.ToString().ToLowerInvariant()})");
        var table = new TextTable(("Class", false), ("Count", true), ("Shallow", true), ("Shallow %", true), ("Retained", true), ("Retained %", true), ("Distance", true));
        long total = Math.Max(1, _analysis.TotalSize);
        foreach (var c in _summary)
            table.AddRow(Truncate(c.Name, 60), Format.Count(c.Count), Format.Size(c.ShallowSize), Format.Percent((double)c.ShallowSize / total),
                Format.Size(c.RetainedSize), Format.Percent((double)c.RetainedSize / total), FormatDistance(c.Distance));
        table.Write(output);

        if (_largest.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"Largest objects by retained size");
            var objects = new TextTable(("Object", false), ("Shallow", true), ("Retained", true), ("Retained %", true), ("Distance", true));
            foreach (int v in _largest)
                objects.AddRow(Truncate(ObjectLabel(v), 70), Format.Size(_analysis.ShallowSize(v)), Format.Size(_analysis.RetainedSizes[v]),
                    Format.Percent((double)_analysis.RetainedSizes[v] / total), FormatDistance(_analysis.Distances[v]));
            objects.Write(output);
        }
    }

    private string ObjectLabel(int v)
    {
        var s = _analysis.Snapshot;
        string cls = _analysis.ClassOfNode(v).Name;
        string name = s.NodeName(v);
        string label = name.Length > 0 && name != cls && s.NodeTypeName(v) is "closure" or "object" or "native" ? $"{cls} {name}" : cls;
        return $"{label} @{s.NodeIds[v]}";
    }

    private static string FormatDistance(int distance) =>
        distance == SnapshotAnalysis.NoDistance || distance == int.MaxValue ? "-"
        : distance >= SnapshotAnalysis.BaseSystemDistance ? $"(system) {distance - SnapshotAnalysis.BaseSystemDistance}"
        : Format.Count(distance);

    private static string Truncate(string text, int max)
    {
        text = text.ReplaceLineEndings(" ");
        return text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
    }

    public void WriteJson(TextWriter output)
    {
        var s = _analysis.Snapshot;
        var st = _analysis.Statistics;
        Json.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", 1);
            w.WriteString("file", _path);
            w.WriteNumber("fileSize", s.FileSize);
            w.WriteNumber("nodeCount", s.NodeCount);
            w.WriteNumber("edgeCount", s.EdgeCount);
            w.WriteNumber("totalSize", _analysis.TotalSize);
            w.WriteStartObject("statistics");
            w.WriteNumber("total", st.Total);
            w.WriteNumber("v8Heap", st.V8Heap);
            w.WriteNumber("native", st.Native);
            w.WriteNumber("code", st.Code);
            w.WriteNumber("strings", st.Strings);
            w.WriteNumber("jsArrays", st.JsArrays);
            w.WriteNumber("typedArrays", st.TypedArrays);
            w.WriteNumber("system", st.System);
            w.WriteEndObject();
            w.WriteNumber("classCount", _matchingClasses);
            w.WriteStartArray("summary");
            foreach (var c in _summary)
            {
                w.WriteStartObject();
                w.WriteString("className", c.Name);
                w.WriteString("classKey", c.Key);
                w.WriteNumber("count", c.Count);
                w.WriteNumber("shallowSize", c.ShallowSize);
                w.WriteNumber("retainedSize", c.RetainedSize);
                w.WriteNumber("distance", c.Distance);
                if (c.Location is { } l)
                {
                    w.WriteStartObject("location");
                    w.WriteNumber("scriptId", l.ScriptId);
                    w.WriteNumber("line", l.Line);
                    w.WriteNumber("column", l.Column);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("largestObjects");
            foreach (int v in _largest)
            {
                w.WriteStartObject();
                w.WriteNumber("id", s.NodeIds[v]);
                w.WriteString("className", _analysis.ClassOfNode(v).Name);
                w.WriteString("name", s.NodeName(v));
                w.WriteString("type", s.NodeTypeName(v));
                w.WriteNumber("shallowSize", _analysis.ShallowSize(v));
                w.WriteNumber("retainedSize", _analysis.RetainedSizes[v]);
                w.WriteNumber("distance", _analysis.Distances[v]);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("timings");
            w.WriteNumber("readMs", (long)_parseTime.TotalMilliseconds);
            w.WriteNumber("analyzeMs", (long)_analyzeTime.TotalMilliseconds);
            w.WriteEndObject();
            w.WriteEndObject();
        });
    }
}
