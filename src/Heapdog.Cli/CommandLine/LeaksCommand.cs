using System.CommandLine;
using System.Diagnostics;
using Heapdog.Cli.Rendering;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Snapshots;
using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog leaks S1 S2 [S3 …]</c>: leak suspects from snapshots of one process, oldest first.</summary>
public static class LeaksCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("SNAPSHOTS") { Description = "Two or more snapshots of one process, oldest first " + InputFile.Forms, Arity = new ArgumentArity(1, 100) };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/leaks.md)" };
        var html = new Option<FileInfo?>("--html") { Description = "Also write a self-contained HTML report to this file" };
        var force = new Option<bool>("--force") { Description = "Overwrite the --html file if it exists" };
        var top = new Option<int>("--top") { Description = "How many suspects to show (0 = all)", DefaultValueFactory = _ => 10 }.InRange(0, OptionRange.MaxListed);
        var command = new Command("leaks", "Name what leaks: suspects ranked by severity, with what holds them and which code makes them");
        command.Arguments.Add(files);
        // One snapshot is a usage mistake with its own message, not "argument missing" (arity says at least one).
        command.Validators.Add(result =>
        {
            if (result.GetResult(files)?.Tokens.Count is 1)
                result.AddError("leaks compares snapshots: give two or more of one process, oldest first (got one)");
        });
        command.Options.Add(json);
        command.Options.Add(html);
        command.Options.Add(force);
        command.Options.Add(top);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, new LeaksOptions(parse.GetValue(files)!, parse.GetValue(json),
            parse.GetValue(html), parse.GetValue(force), parse.GetValue(top)), ct)));
        return command;
    }

    public static int Run(CliContext context, LeaksOptions options, CancellationToken cancellation)
    {
        if (options.Top < 0) throw new HeapdogException(ErrorKind.BadRequest, "--top must be 0 or more");
        string[] paths = [.. options.Files.Select(InputFile.Resolve)];
        SnapshotOpener.CheckStdinOnce(paths);
        if (options.Html is { } target)
        {
            // Even with --force: overwriting a snapshot with the report about it loses the input.
            if (paths.Any(p => p != SnapshotOpener.Stdin && OutputPath.SameFile(p, target.FullName)))
                throw new HeapdogException(ErrorKind.BadRequest, $"--html '{target}' is one of the snapshots read; choose another file");
            if (target.Exists && !options.Force)
                throw new HeapdogException(ErrorKind.OutputExists, $"'{target.FullName}' exists; pass --force to overwrite it");
        }
        var clock = Stopwatch.StartNew();
        var report = LeakFinder.FromFiles(paths, context, cancellation);
        context.Progress.Clear();
        var maps = new SourceMapResolver(); // one per command: each script's map is read once for all outputs
        if (options.Html is { } htmlFile) AtomicFile.Write(htmlFile.FullName, writer => LeaksHtml.Write(report, writer, maps), options.Force);
        if (options.Json) ReportJson.Write(context.Out, LeaksResult.Build(report, options.Top, clock.Elapsed, maps), HeapdogJsonContext.Default.LeaksResult);
        else new LeaksText(report, options.Top, clock.Elapsed, maps).Write(context.Out, context.Colours);
        return ExitCodes.Success;
    }
}

public sealed record LeaksOptions(string[] Files, bool Json, FileInfo? Html, bool Force, int Top);
