using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Heapdog.Cli.Output;
using Heapdog.Inspector;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// <c>heapdog hunt --pid PID [--snapshots 3] [--interval 30s]</c>: the routine of a leak hunt in one command. Over one
/// inspector session (object ids stay comparable only within a session), GC + snapshot N times at the interval, then
/// hand the files to <see cref="HuntAnalysis"/>. Snapshots go to a temporary directory removed afterwards unless --keep.
/// </summary>
public static class HuntCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("hunt", "Take snapshots of a running Node process at an interval and report what leaks");
        var target = new TargetOptions(command);
        var snapshots = new Option<int>("--snapshots", "-n") { Description = "How many snapshots (2 to 20)", DefaultValueFactory = _ => 3 };
        var interval = new Option<string>("--interval", "-i") { Description = "Time between snapshots (30s, 2m)", DefaultValueFactory = _ => "30s" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON (same shape as heapdog leaks --json)" };
        var keep = new Option<string?>("--keep") { Description = "Keep the snapshots in this directory (created if missing)" };
        var force = new Option<bool>("--force") { Description = "Take the snapshots even if the target's memory headroom or the disk looks too small" };
        command.Options.Add(snapshots);
        command.Options.Add(interval);
        command.Options.Add(json);
        command.Options.Add(keep);
        command.Options.Add(force);

        command.SetAction((parse, ct) => RunAsync(target.Read(parse), parse.GetValue(snapshots),
            DurationText.Parse(parse.GetValue(interval)!, "--interval"), parse.GetValue(json), parse.GetValue(keep), parse.GetValue(force),
            context, ct));
        return command;
    }

    internal static async Task<int> RunAsync(AttachOptions options, int count, TimeSpan interval, bool json, string? keep, bool force,
        CliContext context, CancellationToken cancellationToken)
    {
        if (count is < 2 or > 20) throw new HeapdogException($"--snapshots must be between 2 and 20, got {count}", ExitCodes.Usage);
        string directory;
        if (keep is not null)
        {
            try { directory = Directory.CreateDirectory(keep).FullName; }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new HeapdogException($"cannot use --keep {keep}: {ex.Message}", ExitCodes.OutputFailed, ex);
            }
        }
        else
        {
            directory = Directory.CreateTempSubdirectory("heapdog-hunt-").FullName;
        }

        var paths = new List<string>(count);
        try
        {
            await using (var process = await TargetOptions.AttachAsync(options, context, cancellationToken))
            {
                string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
                for (int i = 1; i <= count; i++)
                {
                    if (i > 1) await WaitAsync(interval, $"waiting for snapshot {i} of {count}", context, cancellationToken);
                    await SnapshotTaker.CheckCostAsync(process, TargetOptions.LocalPid(options), directory, force, context, cancellationToken);
                    string path = OutputPath.Check(Path.Combine(directory, $"hunt-{process.Pid}-{stamp}-{i}.heapsnapshot"), overwrite: false);
                    var result = await SnapshotTaker.TakeAsync(process, path, collectGarbage: true, overwrite: false,
                        $"snapshot {i} of {count}", context, cancellationToken);
                    paths.Add(result.Path);
                }
            }
            context.Progress.Clear();
            return await HuntAnalysis.RunAsync(paths, json, context, cancellationToken);
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

    private static async Task WaitAsync(TimeSpan interval, string phase, CliContext context, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < interval)
        {
            context.Progress.Report(phase, clock.Elapsed / interval);
            var left = interval - clock.Elapsed;
            await Task.Delay(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }
}
