using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Sampling;

/// <summary>How a watch runs. <see cref="Duration"/> null means until cancelled. Verdicts are recomputed every
/// <see cref="VerdictEvery"/> (and at the end) from at most <see cref="HistoryLimit"/> samples per process kept in
/// memory (older ones thinned, so the window reaches back over the whole watch).</summary>
public sealed record WatchOptions
{
    public TargetMode Mode { get; init; } = TargetMode.Pids;
    public IReadOnlyList<int> Pids { get; init; } = [];
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan? Duration { get; init; }
    public TimeSpan DiscoverEvery { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan VerdictEvery { get; init; } = TimeSpan.FromSeconds(30);
    public int HistoryLimit { get; init; } = 240;
    public VerdictOptions Verdict { get; init; } = VerdictOptions.Default;
    public RetentionPolicy Retention { get; init; } = RetentionPolicy.Default;
    /// <summary>When the store cannot be written (full, read-only), keep sampling and retry the writes now and then
    /// instead of failing (<c>serve</c>, whose dashboard still serves what the store holds). False for <c>watch</c>,
    /// which stops with the store's error.</summary>
    public bool PauseWhenStoreFails { get; init; }
    /// <summary>Where the kubelet keeps pod logs, to name the pod a process runs in (<see cref="Heapdog.Processes.KubeletPods.Root"/>:
    /// null means <c>HEAPDOG_PODS_ROOT</c>, else <c>/var/log/pods</c>).</summary>
    public string? PodsRoot { get; init; }
    /// <summary>How often each watched process's container and pod are read again (they are read when it is first seen):
    /// what could not be told then, the kubelet's pod tree mounted or written later, is taken up.</summary>
    public TimeSpan PlaceEvery { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>The longest wait between write retries while the store cannot be written.</summary>
    public TimeSpan StoreRetryMax { get; init; } = TimeSpan.FromSeconds(10);
}
