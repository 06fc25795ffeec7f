namespace Heapdog.Server.Fleet;

/// <summary>An agent token as <c>GET /api/tokens</c> lists it: never the token itself.</summary>
public sealed record TokenView(string Name, long CreatedMs, long? RevokedMs, long? LastUsedMs);
