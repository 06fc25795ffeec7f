using Heapdog.Monitoring.Store;
using Heapdog.Monitoring.Analysis;

namespace Heapdog.Monitoring.Sampling;

/// <summary>What a watch knows about one process: its row in the store, its samples kept in memory (oldest first; the
/// older ones thinned once the limit is reached), the latest verdict, and whether it has exited.</summary>
public sealed class ProcessTrack(WatchedProcess process)
{
    private readonly List<Sample> _history = [];

    public WatchedProcess Process { get; } = process;
    public IReadOnlyList<Sample> History => _history;
    public Sample? Last => _history.Count > 0 ? _history[^1] : null;

    /// <summary>The latest sample that carries the heap/native split (it is read every few seconds, not every sample).</summary>
    public Sample? LastWithLayout
    {
        get
        {
            for (int i = _history.Count - 1; i >= 0; i--)
                if (_history[i].V8Heap >= 0 || _history[i].HeapUsed >= 0) return _history[i];
            return null;
        }
    }
    /// <summary>Where the process runs, as last read and stored (null: in no container, or not told yet).</summary>
    public ProcessPlace? Place { get; internal set; }
    public Verdict? Verdict { get; internal set; }
    public bool Exited { get; internal set; }
    public long ExitedAtMs { get; internal set; } = -1;
    /// <summary>The process vanished while its cgroup's oom_kill counter rose: most likely killed by the OOM killer.</summary>
    public bool OomKillSuspected { get; internal set; }
    /// <summary>Samples written for this process during this watch (the in-memory history may hold fewer).</summary>
    public long SamplesWritten { get; internal set; }

    internal void Add(Sample s, int limit)
    {
        _history.Add(s);
        if (_history.Count <= limit) return;
        // Thin the older half to every other sample: recent samples stay dense, the window keeps growing back in
        // time, and memory stays bounded (about 50 KB per process at the default limit).
        int half = _history.Count / 2;
        int kept = 0;
        for (int i = 0; i < half; i += 2) _history[kept++] = _history[i];
        _history.RemoveRange(kept, half - kept);
    }
}
