using System.CommandLine;
using Heapdog.Inspector;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Objects;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog snapshot PID|--kubectl POD [-o FILE] [--worker ID|all]</c>: a heap snapshot of a running Node
/// process (its main thread, a worker thread, or every thread, one file each), streamed safely to disk.</summary>
public static class SnapshotCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("snapshot", "Write a heap snapshot of a running Node process (no restart, no flag needed)");
        var target = new TargetOptions(command, kubectl: true);
        var output = new Option<string?>("--output", "-o") { Description = "Snapshot file (default: heapdog-PID-TIME.heapsnapshot here)" };
        var noGc = new Option<bool>("--no-gc") { Description = "Do not run a full garbage collection first" };
        var force = OverwriteOption.Create("Replace the output file if it exists");
        var overwrite = OverwriteOption.Deprecated();
        var ignoreHeadroom = new Option<bool>(SnapshotCapture.IgnoreHeadroom) { Description = "Take the snapshot even if the target's memory headroom or the disk looks too small" };
        var json = new Option<bool>("--json") { Description = "Print what was written as JSON (shape in docs/snapshot.md)" };
        var stall = new Option<string?>("--stall-timeout")
        {
            Description = $"Give up when the target sends nothing for this long during the snapshot (default {HeapSnapshotCapture.DefaultStallTimeout.TotalSeconds:0}s)",
        };
        var worker = new Option<string?>("--worker")
        {
            Description = "Snapshot this worker thread's heap (its id, as heapdog ps --workers lists it), or 'all' for the main thread's and every worker's, one file each (see docs/snapshot.md)",
        };
        command.Options.Add(output);
        command.Options.Add(worker);
        command.Options.Add(stall);
        command.Options.Add(noGc);
        command.Options.Add(force);
        command.Options.Add(overwrite);
        command.Options.Add(ignoreHeadroom);
        command.Options.Add(json);

        command.SetAction(async (parse, ct) =>
        {
            await using var reached = await target.OpenAsync(parse, context, ct);
            var options = reached.Options;
            bool replace = OverwriteOption.Read(parse, force, overwrite, context);
            TimeSpan? stallTimeout = parse.GetValue(stall) is { } text ? DurationText.Parse(text, "--stall-timeout") : null;
            string? heaps = parse.GetValue(worker) is { } w ? WorkerThreads.Validate(w, allowAll: true) : null;
            string path = parse.GetValue(output) ?? OutputPath.Default(options.Pid, ".heapsnapshot");
            // A single worker's heap is named for it unless the user named the file.
            if (parse.GetValue(output) is null && heaps is not null && heaps != WorkerThreads.All) path = WorkerThreads.FileFor(path, heaps);
            path = OutputPath.Check(path, replace);
            await using var process = await ProcessAttach.AttachAsync(options, context, ct);
            var taken = await ProcessSnapshots.TakeAsync(process, ProcessAttach.LocalPid(options), path, heaps,
                parse.GetValue(ignoreHeadroom) || parse.GetValue(force), !parse.GetValue(noGc), replace, context, ct, stallTimeout,
                OverwriteOption.HeadroomOverride(parse, ignoreHeadroom));
            context.Progress.Clear();
            if (parse.GetValue(json))
            {
                static SnapshotTaken Of(int? pid, (string? Worker, SnapshotCaptureResult Result) t, IReadOnlyList<SnapshotTaken>? workers = null) =>
                    new(1, pid, t.Result.Path, t.Result.Bytes, t.Result.NodeCount, t.Result.EdgeCount, (long)t.Result.Elapsed.TotalMilliseconds,
                        t.Worker, workers);
                // One document: the first heap taken (the main thread's, or the one worker's), with --worker all every
                // worker's heap inside it.
                var rest = heaps == WorkerThreads.All ? taken.Skip(1).Select(t => Of(process.Pid, t)).ToList() : null;
                ReportJson.Write(context.Out, Of(process.Pid, taken[0], rest), HeapdogJsonContext.Default.SnapshotTaken);
            }
            else
            {
                foreach (var (_, result) in taken)
                {
                    await context.Out.WriteLineAsync(
                        $"{result.Path}: {Format.Size(result.Bytes)}, {Format.Count(result.NodeCount)} nodes, {Format.Count(result.EdgeCount)} edges, in {Format.Duration(result.Elapsed)}");
                }
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
