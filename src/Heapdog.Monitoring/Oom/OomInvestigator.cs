using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Oom;

/// <summary>Ties OOM events to the store: which watched process died, and what it looked like before.</summary>
public static class OomInvestigator
{
    /// <summary>How long before an event a watched process must last have been sampled to be the one that died.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMinutes(5);

    /// <summary>The deaths the store itself recorded: a watched process that vanished while its cgroup's oom_kill
    /// counter rose.</summary>
    public static IEnumerable<OomEvent> FromStore(ISampleStore store, long sinceMs)
    {
        var byId = store.AllProcesses().ToDictionary(p => p.Id);
        foreach (var e in store.ReadEvents(null, sinceMs))
        {
            if (e.Kind != EventKind.ExitedOomKill || e.ProcessId is not { } id || !byId.TryGetValue(id, out var p)) continue;
            yield return new OomEvent(OomEventKind.CgroupOomKill, "cgroup oom_kill counter", 0)
            {
                Pid = p.Identity.Pid,
                Name = p.Name,
                Time = DateTimeOffset.FromUnixTimeMilliseconds(e.TimeMs),
                Reason = "the process vanished while its cgroup's oom_kill counter rose",
            };
        }
    }

    public static OomFinding Investigate(OomEvent e, ISampleStore? store, int lastSamples = 5)
    {
        if (store is null || e.Pid is not { } pid) return new OomFinding(e, null, [], null, []);
        var process = e.Time is { } t
            ? store.FindAlive(pid, t.ToUnixTimeMilliseconds(), (long)Slack.TotalMilliseconds)
            : store.FindByPid(pid).FirstOrDefault();
        if (process is null) return new OomFinding(e, null, [], null, []);
        long until = e.Time?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var samples = store.ReadSamples(process.Id, long.MinValue, until);
        var verdict = samples.Count > 0 ? VerdictAnalyzer.Analyze(samples, process.StartTimeMs) : null;
        var last = samples.Skip(Math.Max(0, samples.Count - lastSamples)).ToList();
        var snapshots = store.ReadEvents(process.Id).Where(s => s.Kind == EventKind.Snapshot && s.TimeMs <= until).ToList();
        return new OomFinding(e, process, last, verdict, snapshots);
    }
}
