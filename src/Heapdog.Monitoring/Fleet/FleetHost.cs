namespace Heapdog.Monitoring.Fleet;

/// <summary>A host that reports to the server: its name, the agent token it reported with last, when it was first and
/// last heard of, its running processes and the raw samples its agent's buffer dropped.</summary>
public sealed record FleetHost(string Name, string Agent, string AgentVersion, long FirstSeenMs, long LastSeenMs, int Processes, long LostSamples);
