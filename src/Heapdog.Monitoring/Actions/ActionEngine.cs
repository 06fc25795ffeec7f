using System.Globalization;
using System.Text.Json;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Actions;

/// <summary>
/// Acts on what the watch sees: takes snapshots when a rule fires (within the cooldown, count and disk budget of the
/// <see cref="SnapshotPolicy"/>), and runs hooks on a leak verdict or an OOM death. Every action is recorded as an
/// event in the store; failures are reported through <see cref="Report"/> and never stop the watch.
/// Hooks run in the background so a slow command does not delay sampling; <see cref="DrainAsync"/> waits for them.
/// </summary>
public sealed class ActionEngine(ISampleStore store, SnapshotPolicy? snapshots, ISnapshotCapturer? capturer, IReadOnlyList<Hook> hooks, HookRunner runner, Action<string> report) : IWatchListener
{
    private readonly Dictionary<long, RuleState> _ruleStates = [];
    private readonly HashSet<long> _leakReported = [];
    private readonly List<Task> _running = [];
    private long _bytesWritten;
    private bool _capturerMissingReported;

    /// <summary>Per process: snapshots taken, the last one's time, the last periodic rule's time.</summary>
    private sealed class RuleState
    {
        public int Count;
        public long? LastMs;
        public long? LastPeriodicMs;
    }

    public Action<string> Report { get; } = report;

    public async ValueTask OnRoundAsync(WatchRound round, CancellationToken ct)
    {
        foreach (var t in round.Sampled)
        {
            if (snapshots is not null && FiringRule(t, round.TimeMs) is { } rule) await SnapshotAsync(t, rule, round.TimeMs, ct);
            if (t.Verdict is { Status: VerdictStatus.Growing } v && _leakReported.Add(t.Process.Id))
                Fire(HookTrigger.LeakVerdict, t, round.TimeMs, ("growth", VerdictAnalyzer.Name(v.Growth)), ("verdict", v.Text));
        }
        foreach (var t in round.ExitedNow)
        {
            if (t.OomKillSuspected)
                Fire(HookTrigger.OomDeath, t, round.TimeMs, ("cause", "the cgroup's oom_kill counter rose as the process vanished"), ("verdict", t.Verdict?.Text ?? ""));
        }
    }

    /// <summary>Waits for hooks still running (at the end of a watch).</summary>
    public Task DrainAsync() => Task.WhenAll(_running);

    internal SnapshotRule? FiringRule(ProcessTrack t, long now)
    {
        var s = t.Last!;
        var state = _ruleStates.TryGetValue(t.Process.Id, out var st) ? st : _ruleStates[t.Process.Id] = new RuleState();
        foreach (var rule in snapshots!.Rules)
        {
            bool fires = rule.Trigger switch
            {
                SnapshotTrigger.HeapShare => s.HeapLimit > 0 && s.HeapUsed >= rule.Share * s.HeapLimit,
                SnapshotTrigger.CgroupShare => s.CgroupLimit > 0 && s.Rss >= rule.Share * s.CgroupLimit,
                SnapshotTrigger.GrowthVerdict => t.Verdict?.Status == VerdictStatus.Growing,
                SnapshotTrigger.Periodic => state.LastPeriodicMs is not { } lp || now - lp >= rule.Period.TotalMilliseconds,
                _ => false,
            };
            if (!fires) continue;
            if (rule.Trigger == SnapshotTrigger.Periodic) state.LastPeriodicMs = now;
            return rule;
        }
        return null;
    }

    private async Task SnapshotAsync(ProcessTrack t, SnapshotRule rule, long now, CancellationToken ct)
    {
        var policy = snapshots!;
        var state = _ruleStates[t.Process.Id];
        string reason = rule.Trigger switch
        {
            SnapshotTrigger.HeapShare => $"heap used above {rule.Share:P0} of its limit",
            SnapshotTrigger.CgroupShare => $"RSS above {rule.Share:P0} of the cgroup limit",
            SnapshotTrigger.GrowthVerdict => "growth verdict",
            _ => "periodic",
        };
        string? skip = state.Count >= policy.MaxCount ? $"the maximum of {policy.MaxCount} snapshots is reached"
            : state.LastMs is { } lastMs && now - lastMs < policy.Cooldown.TotalMilliseconds ? null // within the cooldown: quietly wait
            : _bytesWritten >= policy.DiskBudgetBytes ? $"the disk budget of {policy.DiskBudgetBytes} bytes is spent"
            : capturer is null ? "taking snapshots needs the inspector, which this build does not include"
            : "";
        if (skip is null) return;
        if (skip.Length > 0)
        {
            if (capturer is null && _capturerMissingReported) return;
            _capturerMissingReported |= capturer is null;
            state.LastMs = now; // report a skipped rule once per cooldown, not every round
            store.AddEvent(t.Process.Id, now, EventKind.SnapshotSkipped, Json(("reason", reason), ("why", skip)));
            Report($"pid {t.Process.Identity.Pid}: snapshot ({reason}) skipped: {skip}");
            return;
        }
        state.LastMs = now;
        state.Count++;
        try
        {
            var (path, bytes) = await capturer!.CaptureAsync(t.Process.Identity, policy.Directory, ct);
            _bytesWritten += bytes;
            store.AddEvent(t.Process.Id, now, EventKind.Snapshot, SnapshotDetail(reason, path, bytes));
            Report($"pid {t.Process.Identity.Pid}: snapshot ({reason}) written to {path}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            store.AddEvent(t.Process.Id, now, EventKind.SnapshotFailed, Json(("reason", reason), ("error", e.Message)));
            Report($"pid {t.Process.Identity.Pid}: snapshot ({reason}) failed: {e.Message}");
        }
    }

    private void Fire(HookTrigger trigger, ProcessTrack t, long now, params (string Key, string Value)[] extra)
    {
        string eventName = trigger == HookTrigger.LeakVerdict ? EventKind.LeakVerdict : EventKind.OomDeath;
        var fields = new List<(string, string)>
        {
            ("event", eventName),
            ("pid", t.Process.Identity.Pid.ToString(CultureInfo.InvariantCulture)),
            ("name", t.Process.Name),
            ("startTime", DateTimeOffset.FromUnixTimeMilliseconds(t.Process.StartTimeMs).UtcDateTime.ToString("o", CultureInfo.InvariantCulture)),
            ("time", DateTimeOffset.FromUnixTimeMilliseconds(now).UtcDateTime.ToString("o", CultureInfo.InvariantCulture)),
        };
        fields.AddRange(extra);
        string json = Json([.. fields]);
        store.AddEvent(t.Process.Id, now, eventName, json);
        var variables = new Dictionary<string, string>();
        foreach (var (k, v) in fields) variables["HEAPDOG_" + k.ToUpperInvariant()] = v;
        foreach (var hook in hooks)
        {
            if (hook.Trigger != trigger) continue;
            _running.Add(Task.Run(async () =>
            {
                var error = await runner.RunAsync(hook, eventName, json, variables, CancellationToken.None);
                Report(error is null ? $"pid {t.Process.Identity.Pid}: {eventName} hook ran" : $"pid {t.Process.Identity.Pid}: {eventName} hook: {error}");
            }));
        }
    }

    /// <summary>The detail of a <see cref="EventKind.Snapshot"/> event; bytes is a number, as the dashboard writes it.</summary>
    private static string SnapshotDetail(string reason, string path, long bytes)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("reason", reason);
            w.WriteString("path", path);
            w.WriteNumber("bytes", bytes);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A flat JSON object of string fields.</summary>
    internal static string Json(params (string Key, string Value)[] fields)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            foreach (var (k, v) in fields) w.WriteString(k, v);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
