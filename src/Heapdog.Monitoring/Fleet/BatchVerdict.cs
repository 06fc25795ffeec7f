namespace Heapdog.Monitoring.Fleet;

/// <summary>A process's latest verdict as the agent computed it, its JSON as <c>/api/processes</c> shows a verdict: the agent
/// knows its host's free memory and keeps the in-memory history the server does not have.</summary>
public sealed record BatchVerdict(long ProcessId, long TimeMs, string Verdict);
