using System.CommandLine;
using Heapdog.Inspector;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Objects;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog snapshot PID [-o FILE]</c>: a heap snapshot of a running Node process, streamed safely to disk.</summary>
public static class SnapshotCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("snapshot", "Write a heap snapshot of a running Node process (no restart, no flag needed)");
        var target = new TargetOptions(command);
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
        command.Options.Add(output);
        command.Options.Add(stall);
        command.Options.Add(noGc);
        command.Options.Add(force);
        command.Options.Add(overwrite);
        command.Options.Add(ignoreHeadroom);
        command.Options.Add(json);

        command.SetAction(async (parse, ct) =>
        {
            var options = target.Read(parse);
            bool replace = OverwriteOption.Read(parse, force, overwrite, context);
            TimeSpan? stallTimeout = parse.GetValue(stall) is { } text ? DurationText.Parse(text, "--stall-timeout") : null;
            string path = OutputPath.Check(parse.GetValue(output) ?? OutputPath.Default(options.Pid, ".heapsnapshot"), replace);
            await using var process = await ProcessAttach.AttachAsync(options, context, ct);
            var cost = await SnapshotCapture.CheckCostAsync(process, ProcessAttach.LocalPid(options), Path.GetDirectoryName(path)!,
                parse.GetValue(ignoreHeadroom) || parse.GetValue(force), context, ct, OverwriteOption.HeadroomOverride(parse, ignoreHeadroom));
            var result = await SnapshotCapture.TakeAsync(process, path, !parse.GetValue(noGc), replace, $"snapshot of pid {process.Pid}", context, ct, stallTimeout,
                expectedBytes: cost.EstimatedFileBytes);
            context.Progress.Clear();
            if (parse.GetValue(json))
                ReportJson.Write(context.Out, new SnapshotTaken(1, process.Pid, result.Path, result.Bytes, result.NodeCount, result.EdgeCount,
                    (long)result.Elapsed.TotalMilliseconds), HeapdogJsonContext.Default.SnapshotTaken);
            else
                await context.Out.WriteLineAsync(
                    $"{result.Path}: {Format.Size(result.Bytes)}, {Format.Count(result.NodeCount)} nodes, {Format.Count(result.EdgeCount)} edges, in {Format.Duration(result.Elapsed)}");
            return ExitCodes.Success;
        });
        return command;
    }
}
