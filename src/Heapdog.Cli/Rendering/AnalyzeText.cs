using Heapdog.Cli.Output;
using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Objects;

namespace Heapdog.Cli.Rendering;

/// <summary><c>heapdog analyze</c> as aligned text.</summary>
public static class AnalyzeText
{
    public static void Write(TextWriter output, AnalyzeResult r, AnalyzeQuery query)
    {
        var st = r.Statistics;
        output.WriteLine($"Heap snapshot {r.File}");
        // No file size for stdin or a gzipped file (-1): the decompressed bytes are no file's.
        output.WriteLine($"  {(r.FileSize >= 0 ? $"file {Format.Size(r.FileSize)}" : "streamed")}, {Format.Count(r.NodeCount)} nodes, {Format.Count(r.EdgeCount)} edges, total heap {Format.Size(r.TotalSize)}");
        output.WriteLine($"  read in {Format.Duration(TimeSpan.FromMilliseconds(r.Timings.ReadMs))}, analysed in {Format.Duration(TimeSpan.FromMilliseconds(r.Timings.AnalyzeMs))}");
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

        string shown = r.Summary.Count < r.ClassCount ? $"top {r.Summary.Count} of {Format.Count(r.ClassCount)}" : $"{Format.Count(r.ClassCount)}";
        output.WriteLine($"Summary by class ({shown} classes{(query.Filter is null ? "" : $" matching '{query.Filter}'")}, by {query.Sort.ToString().ToLowerInvariant()})");
        var table = new TextTable(("Class", false), ("Count", true), ("Shallow", true), ("Shallow %", true), ("Retained", true), ("Retained %", true), ("Distance", true));
        long total = Math.Max(1, r.TotalSize);
        foreach (var c in r.Summary)
            table.AddRow(Text.Truncate(c.ClassName, 60), Format.Count(c.Count), Format.Size(c.ShallowSize), Format.Percent((double)c.ShallowSize / total),
                Format.Size(c.RetainedSize), Format.Percent((double)c.RetainedSize / total), FormatDistance(c.Distance));
        table.Write(output);

        if (r.LargestObjects.Count > 0)
        {
            output.WriteLine();
            output.WriteLine($"Largest objects by retained size");
            var objects = new TextTable(("Object", false), ("Shallow", true), ("Retained", true), ("Retained %", true), ("Distance", true));
            foreach (var o in r.LargestObjects)
                objects.AddRow(Text.Truncate(ObjectLabel(o), 70), Format.Size(o.ShallowSize), Format.Size(o.RetainedSize),
                    Format.Percent((double)o.RetainedSize / total), FormatDistance(o.Distance));
            objects.Write(output);
        }
    }

    private static string ObjectLabel(HeapObject o)
    {
        string label = o.Name.Length > 0 && o.Name != o.ClassName && o.Type is "closure" or "object" or "native" ? $"{o.ClassName} {o.Name}" : o.ClassName;
        return $"{label} @{o.Id}";
    }

    private static string FormatDistance(int distance) =>
        distance == SnapshotAnalysis.NoDistance || distance == int.MaxValue ? "-"
        : distance >= SnapshotAnalysis.BaseSystemDistance ? $"(system) {distance - SnapshotAnalysis.BaseSystemDistance}"
        : Format.Count(distance);
}
