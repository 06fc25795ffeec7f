namespace Heapdog.Workflows.Fleet;

/// <summary>A remote action the server hands an agent (docs/fleet.md): <see cref="Kind"/> <c>capture</c>, <c>hunt</c> or
/// <c>sample</c> of the process (<see cref="Pid"/>, <see cref="StartTimeMs"/>) on the agent's host. <see cref="Count"/> and
/// <see cref="IntervalMs"/> are the hunt's, <see cref="DurationMs"/> the sampling's.</summary>
public sealed record AgentJob(long Id, string Kind, int Pid, long StartTimeMs, int Count, long IntervalMs, bool Allocations, long DurationMs);
