using System.Diagnostics;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Sampling;

/// <summary>
/// The watch loop: every interval, samples each target, writes the round to the store in one transaction, updates
/// verdicts now and then, and tells the listeners. A process whose pid is reused is a new process; one that exits is
/// reported once and dropped.
/// </summary>
public sealed class Watcher(WatchOptions options, ISampleStore store, ProcessSampler sampler, IReadOnlyList<IWatchListener> listeners)
{
    private readonly Dictionary<ProcessIdentity, ProcessTrack> _tracks = [];
    private readonly List<ProcessTrack> _finished = [];
    private Dictionary<int, string> _pm2Names = [];
    private long _retryStoreAtMs;
    private int _storeFailures;

    /// <summary>Whether the last write to the store succeeded (see <see cref="WatchOptions.PauseWhenStoreFails"/>).</summary>
    public StoreWriteState StoreState { get; } = new();

    /// <summary>Every process seen during the watch (running and exited), in the order first seen.</summary>
    public IReadOnlyList<ProcessTrack> Tracks => [.. _finished, .. _tracks.Values];

    /// <summary>Resolves the initial targets. Returns the pids asked for that do not exist (for the caller to report).</summary>
    public async Task<IReadOnlyList<int>> StartAsync(CancellationToken ct)
    {
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        TryWrite(startMs, () => store.ApplyRetention(options.Retention, startMs));
        var missing = new List<int>();
        if (options.Mode == TargetMode.Pids)
        {
            foreach (var pid in options.Pids)
            {
                if (ProcessReader.TryRead(pid) is { } info) Track(info, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                else missing.Add(pid);
            }
        }
        else await DiscoverAsync(ct);
        return missing;
    }

    /// <summary>Runs rounds until the duration is over, every target has exited (pid mode), or <paramref name="ct"/> fires.</summary>
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromHours(1);

    public async Task RunAsync(CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        long startMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var lastDiscovery = TimeSpan.Zero;
        var lastVerdicts = TimeSpan.Zero;
        var lastPlaces = TimeSpan.Zero;
        var lastRetention = TimeSpan.Zero;
        int round = 0;
        while (true)
        {
            var due = options.Interval * round;
            if (options.Duration is { } d && due > d) break;
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait, ct);
            ct.ThrowIfCancellationRequested();

            if (options.Mode != TargetMode.Pids && clock.Elapsed - lastDiscovery >= options.DiscoverEvery)
            {
                await DiscoverAsync(ct);
                lastDiscovery = clock.Elapsed;
            }
            long now = startMs + (long)clock.Elapsed.TotalMilliseconds;
            bool last = options.Duration is { } dd && options.Interval * (round + 1) > dd;
            bool verdicts = round > 0 && (clock.Elapsed - lastVerdicts >= options.VerdictEvery || last);
            await RoundAsync(now, round, verdicts, ct);
            if (verdicts) lastVerdicts = clock.Elapsed;
            if (clock.Elapsed - lastPlaces >= options.PlaceEvery)
            {
                ReadPlacesAgain(now);
                lastPlaces = clock.Elapsed;
            }
            // A long watch (a dashboard that runs for weeks) rolls old samples up as it goes, not only at start:
            // otherwise raw rows pile up and every long-range chart reads all of them.
            if (clock.Elapsed - lastRetention >= RetentionEvery && TryWrite(now, () => store.ApplyRetention(options.Retention, now)))
                lastRetention = clock.Elapsed;
            round++;
            if (options.Mode == TargetMode.Pids && _tracks.Count == 0) break;
        }
        UpdateVerdicts();
    }

    private async Task RoundAsync(long now, int number, bool verdicts, CancellationToken ct)
    {
        sampler.BeginRound(_tracks.Count);
        var batch = new List<(long, Sample)>(_tracks.Count);
        var sampled = new List<ProcessTrack>(_tracks.Count);
        var exited = new List<ProcessTrack>();
        var identities = new ProcessIdentity[_tracks.Count];
        var tracks = new ProcessTrack[_tracks.Count];
        int n = 0;
        foreach (var (identity, track) in _tracks)
        {
            identities[n] = identity;
            tracks[n++] = track;
        }
        var samples = await sampler.SampleAllAsync(identities, now, ct);
        for (int i = 0; i < n; i++)
        {
            var track = tracks[i];
            var s = samples[i];
            if (s is null)
            {
                exited.Add(track);
                continue;
            }
            batch.Add((track.Process.Id, s));
            sampled.Add(track);
            track.Add(s, options.HistoryLimit);
        }
        if (TryWrite(now, () => store.AddSamples(batch)))
            foreach (var t in sampled) t.SamplesWritten++;
        foreach (var t in exited)
        {
            t.Exited = true;
            t.ExitedAtMs = now;
            long kills = sampler.CgroupOomKillsNow(t.Process.Identity);
            t.OomKillSuspected = kills > 0 && t.Last is { CgroupOomKills: >= 0 } lastSeen && kills > lastSeen.CgroupOomKills;
            _tracks.Remove(t.Process.Identity);
            _finished.Add(t);
            await sampler.ForgetAsync(t.Process.Identity);
            TryWrite(now, () => store.AddEvent(t.Process.Id, now, t.OomKillSuspected ? EventKind.ExitedOomKill : EventKind.Exited, "{}"));
        }
        if (verdicts) UpdateVerdicts();
        TrimGarbage();
        var report = new WatchRound(now, number, sampled, exited, verdicts);
        foreach (var l in listeners) await l.OnRoundAsync(report, ct);
    }

    private long _allocatedAtLastTrim;

    /// <summary>
    /// Collects the youngest generation once a few MB were allocated. The default gen0 budget is sized from the CPU
    /// cache (tens of MB), and a long-lived process that allocates a little every second would let that much garbage
    /// become resident before the first collection; a small gen0 collection every few rounds keeps the watcher's RSS
    /// near its live data, for well under a millisecond.
    /// </summary>
    private void TrimGarbage()
    {
        long allocated = GC.GetTotalAllocatedBytes(precise: false);
        if (allocated - _allocatedAtLastTrim < 2 * 1024 * 1024) return;
        _allocatedAtLastTrim = allocated;
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
    }

    /// <summary>Recomputes every running process's verdict from its in-memory history.</summary>
    public void UpdateVerdicts()
    {
        long available = HostMemory.Read()?.AvailableBytes ?? -1;
        foreach (var t in _tracks.Values)
            t.Verdict = VerdictAnalyzer.Analyze(t.History, t.Process.StartTimeMs, options.Verdict, available);
        foreach (var t in _finished)
            t.Verdict ??= VerdictAnalyzer.Analyze(t.History, t.Process.StartTimeMs, options.Verdict, -1);
    }

    private async Task DiscoverAsync(CancellationToken ct)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (options.Mode == TargetMode.All)
        {
            foreach (var info in NodeProcessFinder.FindAll())
                if (!_tracks.ContainsKey(info.Identity)) Track(info, now);
            return;
        }
        var apps = await Pm2Client.ListAsync(ct) ?? [];
        _pm2Names = apps.Where(a => a.Pid > 0).ToDictionary(a => a.Pid, a => a.Name);
        foreach (var app in apps)
        {
            if (app.Pid <= 0 || ProcessReader.TryRead(app.Pid) is not { } info || _tracks.ContainsKey(info.Identity)) continue;
            Track(info, now);
        }
    }

    private void Track(ProcessInfo info, long now)
    {
        if (_tracks.ContainsKey(info.Identity)) return;
        WatchedProcess? row = null;
        var place = ProcessPlace.Read(info.Pid, KubeletPods.Root(options.PodsRoot));
        // A process needs its row to be sampled; while the store takes no writes it is found again at the next discovery.
        if (!TryWrite(now, () => row = store.UpsertProcess(info.Identity, info.Comm, info.CommandLineText, info.StartTime.ToUnixTimeMilliseconds(),
                _pm2Names.GetValueOrDefault(info.Pid), now, place)) || row is null)
            return;
        _tracks[info.Identity] = new ProcessTrack(row) { Place = place };
    }

    /// <summary>Reads each watched process's container and pod again, and stores them where they changed: what the first
    /// look could not tell (the kubelet's pod tree mounted or written later) is taken up. A value once stored is kept
    /// when a later look cannot tell it (the store's upsert), so only a place that was told is written.</summary>
    private void ReadPlacesAgain(long now)
    {
        string podsRoot = KubeletPods.Root(options.PodsRoot);
        foreach (var (identity, track) in _tracks)
        {
            // The pid must still be this process: a pid reused since is found exited at the next round.
            if (ProcessReader.TryRead(identity.Pid) is not { } info || info.Identity != identity) continue;
            if (ProcessPlace.Read(identity.Pid, podsRoot) is not { } place || place == track.Place) continue;
            var p = track.Process;
            if (TryWrite(now, () => store.UpsertProcess(identity, p.Name, p.CommandLine, p.StartTimeMs, p.Pm2Name, now, place)))
                track.Place = place;
        }
    }

    /// <summary>
    /// Runs one write to the store. Without <see cref="WatchOptions.PauseWhenStoreFails"/> a failure is thrown as it
    /// is. With it, a full or read-only store pauses the writes: they are skipped (false) until the next retry, which
    /// comes after twice the previous wait (one interval at first, at most <see cref="WatchOptions.StoreRetryMax"/>),
    /// so a full disk costs one rolled-back transaction now and then, and writing resumes by itself once space returns.
    /// </summary>
    private bool TryWrite(long nowMs, Action write)
    {
        if (!options.PauseWhenStoreFails)
        {
            write();
            return true;
        }
        if (_storeFailures > 0 && nowMs < _retryStoreAtMs) return false;
        try
        {
            write();
        }
        catch (StoreException e) when (e.IsWriteFailure)
        {
            _storeFailures++;
            var wait = TimeSpan.FromTicks(Math.Min(options.StoreRetryMax.Ticks, options.Interval.Ticks * (1L << Math.Min(_storeFailures - 1, 20))));
            _retryStoreAtMs = nowMs + (long)wait.TotalMilliseconds;
            StoreState.Failed(e, nowMs);
            return false;
        }
        if (_storeFailures > 0)
        {
            _storeFailures = 0;
            StoreState.Recovered();
        }
        return true;
    }
}
