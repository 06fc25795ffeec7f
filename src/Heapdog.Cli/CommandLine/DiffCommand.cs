using System.CommandLine;
using Heapdog.Cli.Rendering;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Diff;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog diff BASE TARGET</c>: DevTools' Comparison view per class, plus retained-size deltas.</summary>
public static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var baseFile = new Argument<string>("BASE") { Description = "The earlier snapshot " + InputFile.Forms };
        var targetFile = new Argument<string>("TARGET") { Description = "A later snapshot of the same process " + InputFile.Forms };
        var top = new Option<int>("--top") { Description = "How many classes to list (0 = all)", DefaultValueFactory = _ => 25 }.InRange(0, OptionRange.MaxListed);
        var sort = new Option<DiffSort>("--sort") { Description = "Column to sort by, largest change first (name sorts A→Z)", DefaultValueFactory = _ => DiffSort.SizeDelta };
        var filter = new Option<string?>("--filter") { Description = "Only classes whose name contains this text (case-insensitive)" };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/diff.md)" };
        var command = new Command("diff", "Compare two snapshots of one process class by class (# New, # Deleted, sizes, retained-size change)");
        command.Arguments.Add(baseFile);
        command.Arguments.Add(targetFile);
        command.Options.Add(top);
        command.Options.Add(sort);
        command.Options.Add(filter);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, new DiffOptions(parse.GetValue(baseFile)!, parse.GetValue(targetFile)!,
            parse.GetValue(top), parse.GetValue(sort), parse.GetValue(filter), parse.GetValue(json)), ct)));
        return command;
    }

    public static int Run(CliContext context, DiffOptions options, CancellationToken cancellation)
    {
        if (options.Top < 0) throw new HeapdogException(ErrorKind.BadRequest, "--top must be 0 or more");
        string basePath = InputFile.Resolve(options.Base), targetPath = InputFile.Resolve(options.Target);
        SnapshotOpener.CheckStdinOnce([basePath, targetPath]);
        var @base = Digest(context, basePath, cancellation);
        var target = Digest(context, targetPath, cancellation);
        context.Progress.Clear();
        var query = new DiffQuery(options.Top, options.Sort, options.Filter);
        var report = DiffResult.Build(@base, target, query);
        if (options.Json) ReportJson.Write(context.Out, report, HeapdogJsonContext.Default.DiffResult);
        else DiffText.Write(context.Out, report, query);
        return ExitCodes.Success;
    }

    /// <summary>Only the digest is kept, so the first graph can go before the second is read.</summary>
    private static SnapshotDigest Digest(CliContext context, string path, CancellationToken cancellation) =>
        SnapshotDigest.Create(SnapshotOpener.Open(path, context, cancellation), path);
}

public sealed record DiffOptions(string Base, string Target, int Top, DiffSort Sort, string? Filter, bool Json);
