using System.Collections.Frozen;
using Heapdog.Monitoring.Sampling;

namespace Heapdog.Server.Processes;

/// <summary>The watcher's processes as the request threads see them: a copy replaced after every round, keyed by the
/// store's process id. Copying on the watch loop is what makes it safe: the tracks themselves change during a round.</summary>
public sealed class LiveProcesses : IWatchListener
{
    private volatile FrozenDictionary<long, LiveProcess> _current = FrozenDictionary<long, LiveProcess>.Empty;
    private Func<IReadOnlyList<ProcessTrack>>? _tracks;

    public IReadOnlyDictionary<long, LiveProcess> Current => _current;

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
