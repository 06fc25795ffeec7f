namespace Heapdog.Leaks;

/// <summary>How many of a suspect's new objects belong to one class, and their shallow bytes.</summary>
public sealed record ClassShare(string ClassName, long Count, long Bytes);
