using System.Collections.Frozen;
using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Sampling;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Workflows.Fleet;

/// <summary>The watcher's latest verdicts as the shipper reads them: copied on the watch loop after each round that
/// updated them, as JSON, so the shipper (on its own loop) never sees a track change.</summary>
public sealed class VerdictBoard(Func<IReadOnlyList<ProcessTrack>> tracks) : IWatchListener
{
    private volatile FrozenDictionary<long, BatchVerdict> _current = FrozenDictionary<long, BatchVerdict>.Empty;

    public IReadOnlyCollection<BatchVerdict> Current => _current.Values;

    public ValueTask OnRoundAsync(WatchRound round, CancellationToken ct)
    {
        if (!round.VerdictsUpdated) return ValueTask.CompletedTask;
        var copy = new Dictionary<long, BatchVerdict>();
        foreach (var t in tracks())
            if (t.Verdict is { } v)
                copy[t.Process.Id] = new BatchVerdict(t.Process.Id, round.TimeMs,
                    ReportJson.Serialize(WatchVerdict.From(v), HeapdogJsonContext.Default.WatchVerdict));
        _current = copy.ToFrozenDictionary();
        return ValueTask.CompletedTask;
    }
}
