using System.CommandLine;
using Heapdog.Cli.Reports;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog diff BASE TARGET</c>: DevTools' Comparison view per class, plus retained-size deltas.</summary>
public static class DiffCommand
{
    public static Command Create(CliContext context)
    {
        var baseFile = new Argument<FileInfo>("BASE") { Description = "The earlier snapshot" };
        var targetFile = new Argument<FileInfo>("TARGET") { Description = "A later snapshot of the same process" };
        var top = new Option<int>("--top", "-n") { Description = "How many classes to list (0 = all)", DefaultValueFactory = _ => 25 };
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
        if (options.Top < 0) throw new HeapdogException("--top must be 0 or more", ExitCodes.Usage);
        var @base = DigestLoader.Load(context, options.Base.FullName, cancellation)!;
        var target = DigestLoader.Load(context, options.Target.FullName, cancellation)!;
        context.Progress.Clear();
        DigestLoader.EnsureComparable(@base, target);
        var rows = SnapshotDiff.Compare(@base, target);
        var report = new DiffReport(@base, target, rows, options);
        if (options.Json) report.WriteJson(context.Out);
        else report.WriteText(context.Out);
        return ExitCodes.Success;
    }
}

public enum DiffSort { SizeDelta, CountDelta, New, Deleted, Alloc, Freed, Retained, Name }

public sealed record DiffOptions(FileInfo Base, FileInfo Target, int Top, DiffSort Sort, string? Filter, bool Json);
