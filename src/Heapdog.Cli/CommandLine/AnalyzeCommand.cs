using System.CommandLine;
using System.Diagnostics;
using Heapdog.Cli.Output;
using Heapdog.Cli.Reports;
using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog analyze FILE</c>: what fills a heap snapshot, with DevTools' numbers.</summary>
public static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A .heapsnapshot file written by Node, Chrome or Heapdog" };
        var top = new Option<int>("--top", "-n")
        {
            Description = "How many classes to list in the summary (0 = all)",
            DefaultValueFactory = _ => 25,
        };
        var sort = new Option<SummarySort>("--sort")
        {
            Description = "Summary column to sort by, largest first (name sorts A→Z)",
            DefaultValueFactory = _ => SummarySort.Retained,
        };
        var filter = new Option<string?>("--filter") { Description = "Only classes whose name contains this text (case-insensitive)" };
        var objects = new Option<int>("--objects")
        {
            Description = "How many of the largest objects by retained size to list",
            DefaultValueFactory = _ => 10,
        };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/analyze.md)" };

        var command = new Command("analyze", "Show what fills a heap snapshot: statistics, summary by class, largest objects");
        command.Arguments.Add(file);
        command.Options.Add(top);
        command.Options.Add(sort);
        command.Options.Add(filter);
        command.Options.Add(objects);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, new AnalyzeOptions(
            parse.GetValue(file)!, parse.GetValue(top), parse.GetValue(sort), parse.GetValue(filter),
            parse.GetValue(objects), parse.GetValue(json)), ct)));
        return command;
    }

    public static int Run(CliContext context, AnalyzeOptions options, CancellationToken cancellation)
    {
        if (options.Top < 0) throw new HeapdogException("--top must be 0 or more", ExitCodes.Usage);
        if (options.Objects < 0) throw new HeapdogException("--objects must be 0 or more", ExitCodes.Usage);
        var clock = Stopwatch.StartNew();
        var snapshot = SnapshotLoader.Load(context, options.File.FullName, cancellation);
        var parseTime = clock.Elapsed;
        var analysis = SnapshotLoader.Analyze(context, snapshot, cancellation);
        var analyzeTime = clock.Elapsed - parseTime;
        context.Progress.Clear();

        var report = AnalyzeReport.Build(analysis, options, options.File.FullName, parseTime, analyzeTime);
        if (options.Json) report.WriteJson(context.Out);
        else report.WriteText(context.Out);
        return ExitCodes.Success;
    }
}

public enum SummarySort { Retained, Shallow, Count, Distance, Name }

public sealed record AnalyzeOptions(FileInfo File, int Top, SummarySort Sort, string? Filter, int Objects, bool Json);
