using Heapdog.Workflows.Formatting;

namespace Heapdog.Workflows.Reports.Objects;

/// <summary>How the navigation reports name objects and edges in text.</summary>
public static class NodeText
{
    public static string Label(HeapObject o)
    {
        string label = o.Type switch
        {
            "synthetic" => o.Name.Length > 0 ? o.Name : "(root)",
            "string" or "concatenated string" or "sliced string" => $"\"{Text.Truncate(o.Name, 40)}\"",
            "closure" or "native" when o.Name.Length > 0 && o.Name != o.ClassName => $"{o.ClassName} {o.Name}",
            "hidden" or "array" or "code" when o.Name.Length > 0 => o.Name,
            _ => o.ClassName,
        };
        return $"{Text.Truncate(label, 80)} @{o.Id}";
    }

    public static string Edge(string? edgeType, string? edge) => edgeType switch
    {
        "element" or "hidden" => $"[{edge}]",
        "property" => "." + edge,
        _ => $"({edgeType}) {edge}",
    };
}
