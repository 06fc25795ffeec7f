using System.Text.Json;
using Heapdog.Cli.Output;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Cli.Reports;

/// <summary>How the navigation commands name objects and edges, in text and JSON.</summary>
public static class NodeText
{
    public static string Label(SnapshotAnalysis a, int v)
    {
        var s = a.Snapshot;
        string cls = a.ClassOfNode(v).Name;
        string name = s.NodeName(v);
        string type = s.NodeTypeName(v);
        string label = type switch
        {
            "synthetic" => name.Length > 0 ? name : "(root)",
            "string" or "concatenated string" or "sliced string" => $"\"{Text.Truncate(name, 40)}\"",
            "closure" or "native" when name.Length > 0 && name != cls => $"{cls} {name}",
            "hidden" or "array" or "code" when name.Length > 0 => name,
            _ => cls,
        };
        return $"{Text.Truncate(label, 80)} @{s.NodeIds[v]}";
    }

    public static string Edge(SnapshotAnalysis a, int e)
    {
        var s = a.Snapshot;
        string type = s.Meta.EdgeTypeName(s.EdgeTypes[e]);
        string name = s.EdgeName(e);
        return type switch
        {
            "element" or "hidden" => $"[{name}]",
            "property" => "." + name,
            _ => $"({type}) {name}",
        };
    }

    public static void WriteObject(Utf8JsonWriter w, SnapshotAnalysis a, int v)
    {
        var s = a.Snapshot;
        w.WriteStartObject();
        w.WriteNumber("id", s.NodeIds[v]);
        w.WriteString("className", a.ClassOfNode(v).Name);
        string name = s.NodeName(v);
        w.WriteString("name", name.Length > 200 ? name[..200] : name);
        w.WriteString("type", s.NodeTypeName(v));
        w.WriteNumber("shallowSize", a.ShallowSize(v));
        w.WriteNumber("retainedSize", a.RetainedSizes[v]);
        w.WriteNumber("distance", a.Distances[v]);
        w.WriteEndObject();
    }

    public static void WriteEdge(Utf8JsonWriter w, SnapshotAnalysis a, int e)
    {
        var s = a.Snapshot;
        w.WriteString("edgeType", s.Meta.EdgeTypeName(s.EdgeTypes[e]));
        w.WriteString("edge", s.EdgeName(e));
    }
}
