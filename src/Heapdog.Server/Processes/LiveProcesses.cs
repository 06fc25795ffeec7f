using System.Collections.Concurrent;
using System.Collections.Frozen;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;

namespace Heapdog.Server.Processes;

/// <summary>The watcher's processes as the request threads see them: a copy replaced after every round, keyed by the
/// store's process id. Copying on the watch loop is what makes it safe: the tracks themselves change during a round.</summary>
public sealed class LiveProcesses : IWatchListener
{
    private volatile FrozenDictionary<long, LiveProcess> _current = FrozenDictionary<long, LiveProcess>.Empty;
    private readonly ConcurrentDictionary<long, (long LastSeenMs, Verdict? Verdict)> _past = new();
    private Func<IReadOnlyList<ProcessTrack>>? _tracks;

    public IReadOnlyDictionary<long, LiveProcess> Current => _current;

    /// <summary>
    /// The verdict on a process the watcher does not track (it exited before this server started, or was imported from
    /// its logs), computed from its stored samples as the watcher would, and again only when its last sample changes.
    /// </summary>
    public Verdict? PastVerdict(IDashboardStore store, StoredProcess stored)
    {
        if (_past.TryGetValue(stored.Process.Id, out var known) && known.LastSeenMs == stored.LastSeenMs) return known.Verdict;
        var samples = store.Samples(stored.Process.Id);
        var verdict = samples.Count > 0 ? VerdictAnalyzer.Analyze(samples, stored.Process.StartTimeMs) : null;
        _past[stored.Process.Id] = (stored.LastSeenMs, verdict);
        return verdict;
    }

    public void Attach(Func<IReadOnlyList<ProcessTrack>> tracks)
    {
        _tracks = tracks;
        Refresh();
    }

    public ValueTask OnRoundAsync(WatchRound round, CancellationToken ct)
    {
        Refresh();
        return ValueTask.CompletedTask;
    }

    private void Refresh()
    {
        if (_tracks is null) return;
        var copy = new Dictionary<long, LiveProcess>();
        foreach (var t in _tracks())
            copy[t.Process.Id] = new LiveProcess(t.Process, t.Last, t.Verdict, t.Exited, t.ExitedAtMs, t.OomKillSuspected);
        _current = copy.ToFrozenDictionary();
    }
}
