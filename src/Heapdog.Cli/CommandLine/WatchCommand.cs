using System.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Inspector;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Actions;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Monitoring;
using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog watch</c>: samples Node processes over time into the store and says whether their memory grows,
/// and where (JS heap or off-heap / native). See docs/watch.md.</summary>
public static class WatchCommand
{
    public static Command Create(CliContext context)
    {
        var pids = new Option<int[]>("--pid", "-p") { Description = "Watch this process (repeat for several)", AllowMultipleArgumentsPerToken = true }.InRange(1, int.MaxValue);
        var all = new Option<bool>("--all") { Description = "Watch every Node process on the host (found again every 30 s)" };
        var pm2 = new Option<bool>("--pm2") { Description = "Watch every running pm2 app (needs pm2 on PATH)" };
        var interval = new Option<TimeSpan>("--interval", "-i")
        {
            Description = "Time between samples, e.g. 1s, 5s, 1m",
            CustomParser = OptionRange.Duration("--interval", TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1)),
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
        };
        var duration = new Option<TimeSpan?>("--duration", "-d")
        {
            Description = "Stop after this long (default: until Ctrl+C)",
            CustomParser = r => OptionRange.Duration("--duration", TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(366))(r),
        };
        var db = new Option<string?>("--db") { Description = "Store file (default: $XDG_DATA_HOME/heapdog/heapdog.db or ~/.local/share/heapdog/heapdog.db)" };
        var json = new Option<bool>("--json") { Description = "Print a JSON report per process at the end (with --duration) instead of the live view" };
        var runtime = new Option<bool>("--runtime")
        {
            Description = "Also read the runtime's own figures (heap used, heap limit, external, GC) through the inspector (opened with SIGUSR1 if off, closed again at the end)",
        };
        var hooks = HookOptions.Create();

        var command = new Command("watch", "Sample Node processes over time and say whether memory grows, and where (JS heap or off-heap)");
        foreach (var o in new Option[] { pids, all, pm2, interval, duration, db, json, runtime }) command.Options.Add(o);
        hooks.AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            var pidList = parse.GetValue(pids) ?? [];
            int modes = (pidList.Length > 0 ? 1 : 0) + (parse.GetValue(all) ? 1 : 0) + (parse.GetValue(pm2) ? 1 : 0);
            if (modes != 1)
                throw new HeapdogException(ErrorKind.BadRequest, "say what to watch: --pid PID (one or more), --all, or --pm2 (exactly one of them)");
            var every = parse.GetValue(interval);
            bool asJson = parse.GetValue(json);
            var mode = pidList.Length > 0 ? TargetMode.Pids : parse.GetValue(all) ? TargetMode.All : TargetMode.Pm2;
            if (mode == TargetMode.Pm2 && !Pm2Client.IsInstalled())
                throw new HeapdogException(ErrorKind.ProcessUnavailable, "--pm2: pm2 is not on PATH");
            var options = new WatchOptions { Mode = mode, Pids = pidList, Interval = every, Duration = parse.GetValue(duration) };

            string dbPath = parse.GetValue(db) ?? StorePaths.Default();
            // Before SQLite opens it: once the store is 0600, the journals it creates are too.
            PrivateModes.Check(PrivateModes.StoreFiles(Path.GetFullPath(dbPath)), parse.GetValue(CliHost.FixModes), context.Notice);
            using var store = StoreOpener.Open(dbPath);
            await using var probe = parse.GetValue(runtime) ? new InspectorRuntimeProbe(log: line => context.Error.WriteLine("heapdog: " + line)) : null;
            var sampler = new ProcessSampler(probe);
            var listeners = new List<IWatchListener>();
            Watcher? watcher = null;
            bool live = !asJson && ReferenceEquals(context.Out, Console.Out) && !Console.IsOutputRedirected;
            if (live) listeners.Add(new WatchLiveView(context.Out, () => watcher!.Tracks, $"heapdog watch ({dbPath})", context.Colours));
            else if (!asJson) listeners.Add(new WatchPlainLog(context.Out));
            var actions = hooks.Build(parse, store, context.Error, probe);
            if (actions is not null) listeners.Add(actions);
            watcher = new Watcher(options, store, sampler, listeners);

            try
            {
                return await RunAsync(context, watcher, options, store, actions, live, asJson, dbPath, every, ct);
            }
            catch (StoreException e)
            {
                // A full disk or a read-only store while watching: the store's one line and its exit code, never a bug.
                context.Progress.Clear();
                throw StoreOpener.Translate(e);
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, Watcher watcher, WatchOptions options, SampleStore store, ActionEngine? actions,
        bool live, bool asJson, string dbPath, TimeSpan every, CancellationToken ct)
    {
        var mode = options.Mode;
        var missing = await watcher.StartAsync(ct);
        if (missing.Count > 0)
            throw new HeapdogException(ErrorKind.ProcessUnavailable, $"no such process: {string.Join(", ", missing)} (not running, or not readable in /proc)");
        if (watcher.Tracks.Count == 0 && mode == TargetMode.Pm2)
            context.Notice("pm2 lists no running app yet; waiting for one");
        if (watcher.Tracks.Count == 0 && mode == TargetMode.All)
            context.Notice("no Node process found yet; looking again every 30 s");
        if (asJson && options.Duration is null)
            context.Notice("--json prints its report when the watch ends (Ctrl+C or --duration)");
        if (!live) context.Progress.Report($"watching {watcher.Tracks.Count} process(es) every {DurationText.Format(every)}, store {dbPath}", -1);

        try
        {
            await watcher.RunAsync(ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C ends a watch normally: the report below still describes what was recorded.
            watcher.UpdateVerdicts();
        }
        if (actions is not null) await actions.DrainAsync();
        context.Progress.Clear();
        if (asJson) ReportJson.Write(context.Out, WatchResult.Build(store.Path, options, watcher.Tracks), HeapdogJsonContext.Default.WatchResult);
        else WriteSummary(context.Out, watcher.Tracks, context.Colours);
        return ExitCodes.Success;
    }

    private static void WriteSummary(TextWriter output, IReadOnlyList<ProcessTrack> tracks, Colours colours)
    {
        output.WriteLine();
        var table = new TextTable(("PID", true), ("NAME", false), ("SAMPLES", true), ("RSS", true), ("GROWTH", false), ("VERDICT", false));
        foreach (var t in tracks)
        {
            table.AddRow(t.Process.Identity.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), t.Process.Pm2Name ?? t.Process.Name,
                Format.Count(t.SamplesWritten), t.Last is { } s ? Format.Size(s.Rss) : "-",
                t.Verdict is { } v ? Monitoring.Analysis.VerdictAnalyzer.Name(v.Growth) : "-",
                (t.Exited ? "exited; " : "") + (t.Verdict is { } verdict ? colours.ByVerdict(verdict.Status, verdict.Text) : "no samples"));
        }
        table.Write(output);
    }
}
