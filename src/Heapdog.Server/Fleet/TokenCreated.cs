namespace Heapdog.Server.Fleet;

/// <summary>The answer to <c>POST /api/tokens</c>: the new agent token, shown this once.</summary>
public sealed record TokenCreated(string Name, string Token, long CreatedMs);
