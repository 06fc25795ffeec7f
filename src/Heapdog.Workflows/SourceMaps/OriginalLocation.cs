using System.Text.Json.Serialization;

namespace Heapdog.Workflows.SourceMaps;

/// <summary>Where generated code came from, through the script's source map: the source file (relative sources
/// resolved against the map's directory), 1-based line and column like the generated location beside it, and the
/// original name at that position when the map gives one.</summary>
public sealed record OriginalLocation(string Script, int Line, int Column,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name = null)
{
    public override string ToString() => $"{Script}:{Line}:{Column}";
}
