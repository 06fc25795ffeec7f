namespace Heapdog.Monitoring.Fleet;

/// <summary>An event of the agent's store (an exit, an OOM kill); <see cref="Detail"/> is its JSON as stored.</summary>
public sealed record BatchEvent(long? ProcessId, long TimeMs, string Kind, string Detail);
