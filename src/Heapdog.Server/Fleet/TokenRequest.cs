namespace Heapdog.Server.Fleet;

/// <summary>The body of <c>POST /api/tokens</c>.</summary>
public sealed record TokenRequest(string Name);
