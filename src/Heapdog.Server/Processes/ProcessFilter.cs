using Heapdog.Monitoring.Store;

namespace Heapdog.Server.Processes;

/// <summary>What <c>GET /api/processes</c> keeps: each given field must match exactly (<see cref="App"/> is the pm2 name,
/// else the process name; <see cref="Verdict"/> the verdict's status); a null field keeps every process.</summary>
public sealed record ProcessFilter(string? Host, string? Container, string? Pod, string? App, string? Verdict, bool? Alive)
{
    /// <summary>What the stored row tells, checked before the view is built.</summary>
    public bool Keeps(string host, StoredProcess p) =>
        (Host is null || Host == host) && (Container is null || Container == p.Container) && (Pod is null || Pod == p.Pod)
        && (App is null || App == (p.Process.Pm2Name ?? p.Process.Name));

    public bool Keeps(ProcessView v) => (Verdict is null || Verdict == v.Verdict?.Status) && (Alive is null || Alive == v.Alive);
}
