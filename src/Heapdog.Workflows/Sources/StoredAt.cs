using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Workflows.Sources;

/// <summary>The statement that stores a suspect's objects into its owner: the script and function it was found in,
/// the <see cref="Site"/> (1-based, in the script V8 ran), the owner's name, and the site through the script's source map.</summary>
public sealed record StoredAt(string Script, int ScriptId, string? Function, StoreSite Site, string Owner, SourceMapped Mapped)
{
    public override string ToString() => $"{Script}:{Site.Line}:{Site.Column}";
}
