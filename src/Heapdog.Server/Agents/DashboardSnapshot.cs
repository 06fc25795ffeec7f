namespace Heapdog.Server.Agents;

/// <summary>A snapshot of the library as the agent tools list it: with its file, which the file tools open.</summary>
public sealed record DashboardSnapshot(long Id, string Name, string File, string State, long Bytes, long CreatedMs, long? ProcessId, int? Pid,
    string Source);
