using System.CommandLine;
using System.Diagnostics;
using Heapdog.Cli.Rendering;
using Heapdog.Inspector;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// <c>heapdog hunt --pid PID [--snapshots 3] [--interval 30s] [--allocations] [--worker ID]</c>: the routine of a leak hunt in one command. Over one
/// inspector session (object ids stay comparable only within a session), GC + snapshot N times at the interval, then
/// hand the files to the leak report (<see cref="LeakFinder"/>). The routine is <see cref="HuntSeries"/>. Snapshots go to a temporary directory removed afterwards unless --keep.
/// </summary>
public static class HuntCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("hunt", "Take snapshots of a running Node process at an interval and report what leaks");
        var target = new TargetOptions(command, kubectl: true);
        var snapshots = new Option<int>("--snapshots") { Description = "How many snapshots (2 to 20)", DefaultValueFactory = _ => 3 }.InRange(HuntSeries.MinSnapshots, HuntSeries.MaxSnapshots);
        var interval = new Option<string>("--interval", "-i") { Description = "Time between snapshots (30s, 2m)", DefaultValueFactory = _ => "30s" }.DurationInRange(TimeSpan.FromMilliseconds(100), TimeSpan.FromDays(1));
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (same shape as heapdog leaks --json)" };
        var keep = new Option<string?>("--keep") { Description = "Keep the snapshots in this directory (created if missing)" };
        var force = new Option<bool>(SnapshotCapture.IgnoreHeadroom, "--force") { Description = "Take the snapshots even if the target's memory headroom or the disk looks too small (--force: its old name)" };
        command.Options.Add(snapshots);
        command.Options.Add(interval);
        command.Options.Add(json);
        command.Options.Add(keep);
        command.Options.Add(force);
        var allocations = new Option<bool>("--allocations")
        {
            Description = "Track allocations during the hunt so suspects say where their new objects were allocated (costs the target CPU and memory while it runs; see docs/hunt.md)",
        };
        command.Options.Add(allocations);
        var worker = new Option<string?>("--worker")
        {
            Description = "Hunt in this worker thread's heap (its id, as heapdog ps --workers lists it) instead of the main thread's",
        };
        command.Options.Add(worker);

        command.SetAction(async (parse, ct) =>
        {
            // The old spelling still works: --force is "overwrite" everywhere else (docs/cli.md, "--force").
            if (parse.GetResult(force)?.IdentifierToken?.Value == "--force")
                context.Notice($"warning: hunt --force is deprecated, use {SnapshotCapture.IgnoreHeadroom} (it means the same)");
            var every = DurationText.Parse(parse.GetValue(interval)!, "--interval");
            await using var reached = await target.OpenAsync(parse, context, ct);
            return await RunAsync(reached.Options, parse.GetValue(snapshots), every, parse.GetValue(json), parse.GetValue(keep), parse.GetValue(force),
                context, ct, parse.GetValue(allocations), parse.GetValue(worker));
        });
        return command;
    }

    internal static async Task<int> RunAsync(AttachOptions options, int count, TimeSpan interval, bool json, string? keep, bool force,
        CliContext context, CancellationToken cancellationToken, bool allocations = false, string? worker = null)
    {
        if (worker is not null) WorkerThreads.Validate(worker, allowAll: false);
        if (count is < HuntSeries.MinSnapshots or > HuntSeries.MaxSnapshots)
            throw new HeapdogException(ErrorKind.BadRequest, $"--snapshots must be between {HuntSeries.MinSnapshots} and {HuntSeries.MaxSnapshots}, got {count}");
        string directory;
        if (keep is not null)
        {
            try { directory = PrivateDirectory.Create(keep).FullName; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new HeapdogException(ErrorKind.OutputFailed, $"cannot use --keep {keep}: {ex.Message}", ex);
            }
        }
        else
        {
            directory = Directory.CreateTempSubdirectory("heapdog-hunt-").FullName; // 0700 already (mkdtemp)
        }

        if (allocations)
            context.Notice("allocation tracking slows the target's every allocation until the last snapshot (docs/hunt.md)");
        try
        {
            var paths = await HuntSeries.CaptureFilesAsync(options, count, interval, directory, force, context, cancellationToken, allocations, worker);
            context.Progress.Clear();
            var clock = Stopwatch.StartNew();
            var report = LeakFinder.FromFiles(paths, context, cancellationToken);
            context.Progress.Clear();
            // The target's scripts, and their maps, are read through its /proc/PID/root: a container's own files.
            var maps = SourceMapResolver.ForProcess(ProcessAttach.LocalPid(options));
            if (json) ReportJson.Write(context.Out, LeaksResult.Build(report, 10, clock.Elapsed, maps), HeapdogJsonContext.Default.LeaksResult);
            else new LeaksText(report, 10, clock.Elapsed, maps).Write(context.Out, context.Colours);
            return ExitCodes.Success;
        }
        finally
        {
            context.Progress.Clear();
            if (keep is null)
            {
                try { Directory.Delete(directory, recursive: true); }
                catch (IOException ex) { await context.Error.WriteLineAsync($"heapdog: warning: could not remove {directory}: {ex.Message}"); }
            }
        }
    }
}
