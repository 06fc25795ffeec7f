using Heapdog.Processes;

namespace Heapdog.Monitoring.Sampling;

/// <summary>
/// Reads samples of processes from <c>/proc</c> and their cgroups, and from the runtime probe when one is given.
/// Keeps per-process state between calls (CPU ticks for CPU %, the cgroup directory, the address-space cadence).
/// The address-space split reads <c>/proc/PID/maps</c>, the costliest read, so it is taken at most every
/// <see cref="LayoutEvery"/>: with the default 5 s interval on every sample.
/// </summary>
public sealed class ProcessSampler(IRuntimeProbe? probe = null)
{
    public static readonly TimeSpan LayoutEvery = TimeSpan.FromSeconds(5);

    private readonly Dictionary<ProcessIdentity, State> _states = [];
    private readonly Dictionary<string, CgroupMemory?> _cgroupsThisTick = new(StringComparer.Ordinal);

    private sealed class State
    {
        public long CpuTicks = -1;
        public long CpuTimeMs;
        public long LastLayoutMs = -1;
        public string? CgroupDir;
        public int CgroupVersion;
        public bool CgroupResolved;
    }

    /// <summary>Call once per round before sampling: cgroup figures are read once per group per round.</summary>
    public void BeginRound() => _cgroupsThisTick.Clear();

    /// <summary>A sample of <paramref name="identity"/> at <paramref name="nowMs"/>, or null when that process is gone
    /// (exited, or its pid now belongs to another process).</summary>
    public async Task<Sample?> SampleAsync(ProcessIdentity identity, long nowMs, CancellationToken ct)
    {
        var stat = ProcessReader.TryReadStat(identity.Pid);
        if (stat is null || stat.StartTicks != identity.StartTicks) return null;
        var status = ProcessReader.TryReadStatus(identity.Pid);
        if (status is null) return null;
        if (!_states.TryGetValue(identity, out var state)) _states[identity] = state = new State();

        var s = new Sample
        {
            TimeMs = nowMs,
            Rss = status.RssBytes,
            RssAnon = status.RssAnonBytes,
            RssFile = status.RssFileBytes,
            RssShmem = status.RssShmemBytes,
            PeakRss = status.PeakRssBytes,
            Threads = status.Threads,
            OpenFds = ProcessReader.CountOpenFds(identity.Pid),
            OomScore = ProcessReader.TryReadInt(identity.Pid, "oom_score"),
            OomScoreAdj = ProcessReader.TryReadInt(identity.Pid, "oom_score_adj"),
        };
        long ticks = stat.UserTicks + stat.SystemTicks;
        if (state.CpuTicks >= 0 && nowMs > state.CpuTimeMs)
            s.CpuPercent = (ticks - state.CpuTicks) * 1000.0 / ProcessReader.TicksPerSecond / (nowMs - state.CpuTimeMs) * 100;
        state.CpuTicks = ticks;
        state.CpuTimeMs = nowMs;

        if ((state.LastLayoutMs < 0 || nowMs - state.LastLayoutMs >= LayoutEvery.TotalMilliseconds - 500) && ProcessReader.TryReadLayout(identity.Pid) is { } layout)
        {
            state.LastLayoutMs = nowMs;
            s.V8Heap = layout.V8CommittedBytes;
            if (s.RssAnon >= 0) s.Native = Math.Max(0, s.RssAnon - layout.V8CommittedBytes);
        }

        if (ReadCgroup(identity.Pid, state) is { } cg)
        {
            s.CgroupUsage = cg.UsageBytes;
            s.CgroupLimit = cg.LimitBytes ?? -1;
            s.CgroupOomKills = cg.OomKills;
        }

        if (probe is not null && await probe.ReadAsync(identity, ct) is { } runtime)
        {
            s.Apply(runtime);
            if (s.V8Heap < 0 && s.RssAnon >= 0 && runtime.HeapTotal >= 0) s.Native = Math.Max(0, s.RssAnon - runtime.HeapTotal);
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
