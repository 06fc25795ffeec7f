namespace Heapdog.Workflows.SourceMaps;

/// <summary>A location's original through its script's source map, or the note saying why a named map could not be
/// used; both null when the script has no map.</summary>
public sealed record SourceMapped(OriginalLocation? Original, string? Note)
{
    public static SourceMapped None { get; } = new(null, null);

    /// <summary>How text reports show a location: <c>src/audit.ts:6:5 (dist/audit.js:4:12)</c> when mapped, else the
    /// generated one alone.</summary>
    public string Describe(string generated) => Original is { } o ? $"{o} ({generated})" : generated;
}
