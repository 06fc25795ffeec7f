namespace Heapdog.Monitoring.Fleet;

/// <summary>An agent token as the store keeps it: its name and the SHA-256 of the token (never the token itself).</summary>
public sealed record AgentTokenRecord(string Name, byte[] Hash, long CreatedMs, long? RevokedMs, long? LastUsedMs);
