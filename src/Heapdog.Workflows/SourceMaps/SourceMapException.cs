namespace Heapdog.Workflows.SourceMaps;

/// <summary>A source map that cannot be used; its message becomes the report's one-line note and is never an error.</summary>
public sealed class SourceMapException(string message) : Exception(message);
