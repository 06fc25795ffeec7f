namespace Heapdog.Monitoring.Fleet;

/// <summary>The server's answer to a batch: whether this request applied it (false: it had been applied before, a retry)
/// and the last sequence applied for the agent, which the agent takes as its acknowledgement.</summary>
public sealed record BatchOutcome(bool Applied, long LastSequence);
