namespace Heapdog.Server.Fleet;

/// <summary>A host as <c>GET /api/hosts</c> lists it (docs/api.md): its name, when it was last heard of (unix ms), its
/// running processes; <see cref="Local"/> for the server's own host, whose processes the server watches itself;
/// otherwise the agent token it reports with, the agent's version and the raw samples its buffer dropped.</summary>
public sealed record HostView(string Name, long LastSeen, int ProcessCount, bool Local, string? Agent, string? AgentVersion, long? FirstSeen, long LostSamples);
