using System.Text.Json;
using Heapdog.Cli.Output;
using Heapdog.Leaks;

namespace Heapdog.Cli.Reports;

/// <summary>The result of <c>heapdog leaks</c>, as a terminal report or as the JSON documented in docs/leaks.md.</summary>
public sealed class LeaksReport(LeakReport report, int top, TimeSpan elapsed)
{
    /// <summary>Longer retainer paths are shown as their first and last links.</summary>
    public const int PathHead = 8, PathTail = 12;

    private IEnumerable<Suspect> Shown => top > 0 ? report.Suspects.Take(top) : report.Suspects;

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"Leak suspects from {report.Snapshots.Count} snapshots of one process (oldest first)");
        foreach (var s in report.Snapshots)
            output.WriteLine($"  {s.Source}  heap {Format.Size(s.TotalSize)}, {Format.Count(s.NodeCount)} nodes");
        output.WriteLine($"  new since the first snapshot and still alive: {Format.Count(report.NewObjects)} objects, {Format.Size(report.NewBytes)}; analysed in {Format.Duration(elapsed)}");
        output.WriteLine();
        if (report.Suspects.Count == 0)
        {
            output.WriteLine("No suspects: nothing grew from one snapshot to the next.");
            return;
        }
        int rank = 0;
        foreach (var s in Shown)
        {
            rank++;
            output.WriteLine($"{rank}. {s.Severity.ToString().ToUpperInvariant()}  {KindName(s.Kind)}  {s.Title}");
            output.WriteLine($"   {s.Explanation}");
            if (s.Counts is { } counts) output.WriteLine($"   growth:       {string.Join(" → ", counts.Select(Format.Count))} {s.CountUnit}");
            output.WriteLine($"   bytes:        {string.Join(" → ", s.Bytes.Select(Format.Size))}{(s.Removed is { } r && r.Skip(1).Any(x => x > 0) ? $"   (removed between snapshots: {string.Join(", ", r.Skip(1).Select(Format.Count))})" : "")}");
            if (s.AccumulationPoint is { } point) output.WriteLine($"   accumulates:  {point}   ({s.PropertyPath})");
            else output.WriteLine($"   held via:     {s.PropertyPath}");
            if (s.Location is { } l) output.WriteLine($"   code:         {l}");
            output.WriteLine($"   new objects:  {Format.Count(s.NewObjects)} ({Format.Size(s.NewBytes)}): {string.Join(", ", s.Classes.Take(3).Select(c => $"{c.ClassName} ×{Format.Count(c.Count)}"))}{(s.MergedPoints > 0 ? $"; merged with {s.MergedPoints} similar accumulation points" : "")}");
            output.WriteLine($"   retainer path ({s.RetainerPath.Count - 1} links):");
            WritePath(output, s.RetainerPath);
            output.WriteLine();
        }
        if (top > 0 && report.Suspects.Count > top) output.WriteLine($"({report.Suspects.Count - top} more; --top 0 shows all)");
    }

    private static void WritePath(TextWriter output, IReadOnlyList<PathLink> path)
    {
        for (int i = 0; i < path.Count; i++)
        {
            if (path.Count > PathHead + PathTail + 1 && i == PathHead)
            {
                output.WriteLine($"       … {Format.Count(path.Count - PathHead - PathTail)} more links …");
                i = path.Count - PathTail - 1;
                continue;
            }
            var link = path[i];
            output.WriteLine(link.Edge is null ? $"     {link.Object}" : $"     {EdgeText(link)} → {Text.Truncate(link.Object.ToString(), 70)}");
        }
    }

    private static string EdgeText(PathLink link) => link.EdgeType switch
    {
        "element" or "hidden" => $"[{link.Edge}]",
        "context" => $"(scope) {link.Edge}",
        "internal" => $"(internal) {link.Edge}",
        "shortcut" => $"(shortcut) {link.Edge}",
        _ => "." + link.Edge,
    };

    public static string KindName(SuspectKind kind) => kind switch
    {
        SuspectKind.IdArray => "id-array",
        SuspectKind.ClosureChain => "closure-chain",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string SeverityName(Severity severity) => severity.ToString().ToLowerInvariant();

    public void WriteJson(TextWriter output) => Json.Write(output, w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 1);
        w.WriteStartArray("snapshots");
        foreach (var s in report.Snapshots)
        {
            w.WriteStartObject();
            w.WriteString("file", s.Source);
            w.WriteNumber("nodeCount", s.NodeCount);
            w.WriteNumber("totalSize", s.TotalSize);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("newObjects", report.NewObjects);
        w.WriteNumber("newBytes", report.NewBytes);
        w.WriteNumber("suspectCount", report.Suspects.Count);
        w.WriteStartArray("suspects");
        foreach (var s in Shown) WriteSuspect(w, s);
        w.WriteEndArray();
        w.WriteNumber("elapsedMs", (long)elapsed.TotalMilliseconds);
        w.WriteEndObject();
    });

    private static void WriteSuspect(Utf8JsonWriter w, Suspect s)
    {
        w.WriteStartObject();
        w.WriteString("severity", SeverityName(s.Severity));
        w.WriteString("kind", KindName(s.Kind));
        w.WriteString("title", s.Title);
        w.WriteString("explanation", s.Explanation);
        if (s.AccumulationPoint is { } p) { w.WritePropertyName("accumulationPoint"); WriteObject(w, p); }
        else w.WriteNull("accumulationPoint");
        w.WriteString("propertyPath", s.PropertyPath);
        w.WriteStartObject("growth");
        w.WriteString("countUnit", s.CountUnit);
        WriteSeries(w, "counts", s.Counts);
        WriteSeries(w, "bytes", s.Bytes);
        WriteSeries(w, "removed", s.Removed);
        w.WriteNumber("countPerSnapshot", s.CountGrowthPerSnapshot);
        w.WriteNumber("bytesPerSnapshot", s.ByteGrowthPerSnapshot);
        w.WriteEndObject();
        w.WriteNumber("newObjects", s.NewObjects);
        w.WriteNumber("newBytes", s.NewBytes);
        w.WriteStartArray("classes");
        foreach (var c in s.Classes)
        {
            w.WriteStartObject();
            w.WriteString("className", c.ClassName);
            w.WriteNumber("count", c.Count);
            w.WriteNumber("bytes", c.Bytes);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (s.Location is { } l)
        {
            w.WriteStartObject("location");
            w.WriteString("script", l.Script);
            w.WriteNumber("scriptId", l.ScriptId);
            w.WriteNumber("line", l.Line);
            w.WriteNumber("column", l.Column);
            w.WriteEndObject();
        }
        else w.WriteNull("location");
        w.WriteNumber("mergedPoints", s.MergedPoints);
        w.WriteNumber("retainerPathLength", s.RetainerPath.Count);
        w.WriteStartArray("retainerPath");
        var path = s.RetainerPath;
        for (int i = 0; i < path.Count; i++)
        {
            if (path.Count > PathHead + PathTail + 1 && i == PathHead)
            {
                w.WriteStartObject();
                w.WriteNumber("omittedLinks", path.Count - PathHead - PathTail);
                w.WriteEndObject();
                i = path.Count - PathTail - 1;
                continue;
            }
            w.WriteStartObject();
            if (path[i].Edge is { } edge) { w.WriteString("edge", edge); w.WriteString("edgeType", path[i].EdgeType); }
            w.WritePropertyName("object");
            WriteObject(w, path[i].Object);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteObject(Utf8JsonWriter w, ObjectRef o)
    {
        w.WriteStartObject();
        w.WriteNumber("id", o.Id);
        w.WriteString("className", o.ClassName);
        w.WriteString("name", o.Name.Length > 200 ? o.Name[..200] : o.Name);
        w.WriteString("type", o.Type);
        w.WriteEndObject();
    }

    private static void WriteSeries(Utf8JsonWriter w, string name, long[]? series)
    {
        if (series is null) { w.WriteNull(name); return; }
        w.WriteStartArray(name);
        foreach (long x in series) w.WriteNumberValue(x);
        w.WriteEndArray();
    }
}
