using Heapdog.Processes;

namespace Heapdog.Monitoring.Sampling;

/// <summary>
/// Reads samples of processes from <c>/proc</c> and their cgroups, and from the runtime probe when one is given.
/// Keeps per-process state between calls (CPU ticks for CPU %, the cgroup directory, the address-space cadence).
/// The address-space split reads <c>/proc/PID/maps</c>, the costliest read, so it is taken at most every
/// <see cref="LayoutEvery"/> (and at most <see cref="MaxSlowReadsPerSecond"/> per second in all): with the default 5 s
/// interval and up to 25 processes, on every sample. The figures that move slowly (open fds,
/// OOM scores, peak RSS and the file/shmem split of <c>status</c>) are read on the same cadence; in between, RSS and
/// its anonymous part come from the cheaper <c>statm</c>.
/// </summary>
public sealed class ProcessSampler(IRuntimeProbe? probe = null)
{
    public static readonly TimeSpan LayoutEvery = TimeSpan.FromSeconds(5);

    /// <summary>Most slow reads (maps, status, fd count, OOM scores) per second across all processes: with many
    /// processes each one's split is read less often (50 processes: every 10 s), which keeps the watcher's own CPU low.</summary>
    public const int MaxSlowReadsPerSecond = 5;

    private double _slowEveryMs = LayoutEvery.TotalMilliseconds;

    private readonly Dictionary<ProcessIdentity, State> _states = [];
    private readonly Dictionary<string, CgroupMemory?> _cgroupsThisTick = new(StringComparer.Ordinal);

    private sealed class State
    {
        public long CpuTicks = -1;
        public long CpuTimeMs;
        public long LastLayoutMs = -1;
        public long OpenFds = -1;
        public long PeakRss = -1;
        public long RssFile = -1;
        public long RssShmem = -1;
        public long OomScore = -1;
        public long OomScoreAdj = -1;
        public string? CgroupDir;
        public int CgroupVersion;
        public bool CgroupResolved;
    }

    /// <summary>Call once per round before sampling <paramref name="processes"/> processes: cgroup figures are read
    /// once per group per round, and the slow-read cadence follows the number of processes.</summary>
    public void BeginRound(int processes)
    {
        _cgroupsThisTick.Clear();
        _slowEveryMs = Math.Max(LayoutEvery.TotalMilliseconds, processes * 1000.0 / MaxSlowReadsPerSecond);
    }

    /// <summary>
    /// Samples of every process of a round (null where a process is gone: exited, or its pid now belongs to another
    /// process). The <c>/proc</c> figures are read first, then the runtime figures of all processes at once, at most
    /// <see cref="MaxConcurrentRuntimeReads"/> in flight: a slow or hung target costs the round one read timeout, not
    /// one per process.
    /// </summary>
    public async Task<Sample?[]> SampleAllAsync(IReadOnlyList<ProcessIdentity> identities, long nowMs, CancellationToken ct)
    {
        var samples = new Sample?[identities.Count];
        for (int i = 0; i < samples.Length; i++) samples[i] = ReadProc(identities[i], nowMs);
        if (probe is null || samples.Length == 0) return samples;
        if (samples.Length == 1)
        {
            if (samples[0] is { } only) await AddRuntimeAsync(identities[0], only, ct);
            return samples;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentRuntimeReads, CancellationToken = ct };
        await Parallel.ForAsync(0, samples.Length, options, async (i, token) =>
        {
            if (samples[i] is { } s) await AddRuntimeAsync(identities[i], s, token);
        });
        return samples;
    }

    /// <summary>Runtime reads in flight at once across processes (each is a round trip to the target, mostly waiting).</summary>
    public const int MaxConcurrentRuntimeReads = 16;

    private async Task AddRuntimeAsync(ProcessIdentity identity, Sample s, CancellationToken ct)
    {
        if (await probe!.ReadAsync(identity, ct) is not { } runtime) return;
        s.Apply(runtime);
        if (s.V8Heap < 0 && s.RssAnon >= 0 && runtime.HeapTotal >= 0) s.Native = Math.Max(0, s.RssAnon - runtime.HeapTotal);
    }

    private Sample? ReadProc(ProcessIdentity identity, long nowMs)
    {
        var stat = ProcessReader.TryReadStat(identity.Pid);
        if (stat is null || stat.StartTicks != identity.StartTicks) return null;
        if (!_states.TryGetValue(identity, out var state)) _states[identity] = state = new State();
        bool slow = state.LastLayoutMs < 0 || nowMs - state.LastLayoutMs >= _slowEveryMs - 500;
        var s = new Sample
        {
            TimeMs = nowMs,
            Threads = stat.Threads,
            PeakRss = state.PeakRss,
            RssFile = state.RssFile,
            RssShmem = state.RssShmem,
            OpenFds = state.OpenFds,
            OomScore = state.OomScore,
            OomScoreAdj = state.OomScoreAdj,
        };
        if (slow)
        {
            // status is several times dearer than statm; its extra figures (peak, file/shmem split) move slowly.
            var status = ProcessReader.TryReadStatus(identity.Pid);
            if (status is null) return null;
            s.Rss = status.RssBytes;
            s.RssAnon = status.RssAnonBytes;
            s.PeakRss = state.PeakRss = status.PeakRssBytes;
            s.RssFile = state.RssFile = status.RssFileBytes;
            s.RssShmem = state.RssShmem = status.RssShmemBytes;
        }
        else
        {
            if (ProcessReader.TryReadStatm(identity.Pid) is not { } statm) return null;
            s.Rss = statm.Rss;
            s.RssAnon = statm.Anon;
            s.PeakRss = state.PeakRss = Math.Max(state.PeakRss, statm.Rss);
        }
        long ticks = stat.UserTicks + stat.SystemTicks;
        if (state.CpuTicks >= 0 && nowMs > state.CpuTimeMs)
            s.CpuPercent = (ticks - state.CpuTicks) * 1000.0 / ProcessReader.TicksPerSecond / (nowMs - state.CpuTimeMs) * 100;
        state.CpuTicks = ticks;
        state.CpuTimeMs = nowMs;

        if (slow)
        {
            state.LastLayoutMs = nowMs;
            // Slow-moving figures ride along with the address-space read; samples in between repeat them.
            s.OpenFds = state.OpenFds = ProcessReader.CountOpenFds(identity.Pid);
            s.OomScore = state.OomScore = ProcessReader.TryReadInt(identity.Pid, "oom_score");
            s.OomScoreAdj = state.OomScoreAdj = ProcessReader.TryReadInt(identity.Pid, "oom_score_adj");
            if (ProcessReader.TryReadLayout(identity.Pid) is { } layout)
            {
                s.V8Heap = layout.V8CommittedBytes;
                if (s.RssAnon >= 0) s.Native = Math.Max(0, s.RssAnon - layout.V8CommittedBytes);
            }
        }

        if (ReadCgroup(identity.Pid, state) is { } cg)
        {
            s.CgroupUsage = cg.UsageBytes;
            s.CgroupLimit = cg.LimitBytes ?? -1;
            s.CgroupOomKills = cg.OomKills;
        }
        return s;
    }

    /// <summary>The OOM-kill counter of the process's cgroup read now (after it exited), or -1 when unknown.</summary>
    public long CgroupOomKillsNow(ProcessIdentity identity) =>
        _states.TryGetValue(identity, out var st) && st.CgroupDir is not null
            ? CgroupMemory.ReadDirectory(st.CgroupDir, st.CgroupVersion)?.OomKills ?? -1
            : -1;

    /// <summary>Drops the state of a process that is gone.</summary>
    public async ValueTask ForgetAsync(ProcessIdentity identity)
    {
        _states.Remove(identity);
        if (probe is not null) await probe.Forget(identity);
    }

    private CgroupMemory? ReadCgroup(int pid, State state)
    {
        if (!state.CgroupResolved)
        {
            state.CgroupResolved = true;
            if (CgroupMemory.Locate(pid) is { } where) (state.CgroupDir, state.CgroupVersion) = where;
        }
        if (state.CgroupDir is null) return null;
        if (!_cgroupsThisTick.TryGetValue(state.CgroupDir, out var cg))
            _cgroupsThisTick[state.CgroupDir] = cg = CgroupMemory.ReadDirectory(state.CgroupDir, state.CgroupVersion);
        return cg;
    }
}
