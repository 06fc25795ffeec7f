using System.CommandLine;
using System.Globalization;
using Heapdog.Inspector;
using Heapdog.Monitoring.Actions;
using Heapdog.Monitoring.Store;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.CommandLine;

/// <summary>The action options of <c>heapdog watch</c>: hooks and snapshot rules (see docs/watch.md, "Actions").</summary>
internal sealed class HookOptions
{
    private readonly Option<string[]> _onLeak = new("--on-leak") { Description = "Run this shell command when a process's verdict turns to growing (event JSON on stdin)" };
    private readonly Option<string[]> _onOom = new("--on-oom") { Description = "Run this shell command when a watched process dies of memory" };
    private readonly Option<string[]> _webhook = new("--webhook") { Description = "POST leak-verdict and oom-death events as JSON to this URL" };
    private readonly Option<string?> _snapshotDir = new("--snapshot-dir") { Description = "Take heap snapshots into this directory when a --snapshot-* rule fires" };
    private readonly Option<double?> _heapShare = new("--snapshot-heap-share") { Description = "Snapshot when heap used exceeds this share (0..1) of the heap limit" };
    private readonly Option<double?> _cgroupShare = new("--snapshot-cgroup-share") { Description = "Snapshot when RSS exceeds this share (0..1) of the cgroup limit" };
    private readonly Option<bool> _onGrowth = new("--snapshot-on-growth") { Description = "Snapshot when the verdict is growing" };
    private readonly Option<TimeSpan?> _every = new("--snapshot-every") { Description = "Snapshot periodically, e.g. 1m", CustomParser = r => OptionRange.Duration("--snapshot-every", TimeSpan.FromSeconds(1), OptionRange.MaxWait)(r) };
    private readonly Option<TimeSpan> _cooldown = new("--snapshot-cooldown") { Description = "Least time between two snapshots of a process", CustomParser = OptionRange.Duration("--snapshot-cooldown", TimeSpan.FromSeconds(1), OptionRange.MaxWait), DefaultValueFactory = _ => TimeSpan.FromMinutes(10) };
    private readonly Option<int> _max = new Option<int>("--snapshot-max") { Description = "Most snapshots per process", DefaultValueFactory = _ => 5 }.InRange(1, 1000);
    private readonly Option<long> _budget = new Option<long>("--snapshot-budget-mb") { Description = "Most megabytes of snapshots in total", DefaultValueFactory = _ => 2048 }.InRange(1, 1L << 30);

    public static HookOptions Create() => new();

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _onLeak, _onOom, _webhook, _snapshotDir, _heapShare, _cgroupShare, _onGrowth, _every, _cooldown, _max, _budget })
            command.Options.Add(o);
    }

    /// <summary>The action engine for the options given, or null when none was given. Snapshots share
    /// <paramref name="probe"/>'s inspector sessions when there is one.</summary>
    public ActionEngine? Build(ParseResult parse, SampleStore store, TextWriter error, InspectorRuntimeProbe? probe = null)
    {
        var hooks = new List<Hook>();
        foreach (var c in parse.GetValue(_onLeak) ?? []) hooks.Add(new Hook(HookTrigger.LeakVerdict, Command: c));
        foreach (var c in parse.GetValue(_onOom) ?? []) hooks.Add(new Hook(HookTrigger.OomDeath, Command: c));
        foreach (var u in parse.GetValue(_webhook) ?? [])
        {
            if (!Uri.TryCreate(u, UriKind.Absolute, out var url) || (url.Scheme != "http" && url.Scheme != "https"))
                throw new HeapdogException(ErrorKind.BadRequest, $"--webhook '{u}' is not an http(s) URL");
            hooks.Add(new Hook(HookTrigger.LeakVerdict, Webhook: url));
            hooks.Add(new Hook(HookTrigger.OomDeath, Webhook: url));
        }

        var rules = new List<SnapshotRule>();
        if (parse.GetValue(_heapShare) is { } hs) rules.Add(new SnapshotRule(SnapshotTrigger.HeapShare, Share(hs, "--snapshot-heap-share")));
        if (parse.GetValue(_cgroupShare) is { } cs) rules.Add(new SnapshotRule(SnapshotTrigger.CgroupShare, Share(cs, "--snapshot-cgroup-share")));
        if (parse.GetValue(_onGrowth)) rules.Add(new SnapshotRule(SnapshotTrigger.GrowthVerdict));
        if (parse.GetValue(_every) is { } every) rules.Add(new SnapshotRule(SnapshotTrigger.Periodic, Period: every));
        string? dir = parse.GetValue(_snapshotDir);
        if (rules.Count > 0 && dir is null) throw new HeapdogException(ErrorKind.BadRequest, "--snapshot-* rules need --snapshot-dir DIR");
        SnapshotPolicy? policy = rules.Count == 0 ? null : new SnapshotPolicy(dir!, rules)
        {
            Cooldown = parse.GetValue(_cooldown),
            MaxCount = parse.GetValue(_max),
            DiskBudgetBytes = parse.GetValue(_budget) * 1_000_000,
        };
        if (hooks.Count == 0 && policy is null) return null;
        return new ActionEngine(store, policy, policy is null ? null : new InspectorSnapshotCapturer(probe), hooks, new HookRunner(TimeSpan.FromSeconds(30)), line => error.WriteLine("heapdog: " + line));
    }

    private static double Share(double v, string name) =>
        v is > 0 and <= 1 ? v : throw new HeapdogException(ErrorKind.BadRequest, $"{name} {v.ToString(CultureInfo.InvariantCulture)} must be between 0 and 1");
}
