namespace Heapdog.Leaks;

/// <summary>One link of a retainer path: the edge (name and type) from the previous object, and the object it reaches.</summary>
public sealed record PathLink(string? Edge, string? EdgeType, ObjectRef Object);
