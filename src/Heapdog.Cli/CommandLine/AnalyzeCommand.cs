using System.CommandLine;
using System.Diagnostics;
using Heapdog.Cli.Rendering;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog analyze FILE</c>: what fills a heap snapshot, with DevTools' numbers.</summary>
public static class AnalyzeCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A heap snapshot written by Node, Chrome or Heapdog " + InputFile.Forms };
        var top = new Option<int>("--top")
        {
            Description = "How many classes to list in the summary (0 = all)",
            DefaultValueFactory = _ => 25,
        }.InRange(0, OptionRange.MaxListed);
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
        }.InRange(0, OptionRange.MaxListed);
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
        var query = new AnalyzeQuery(options.Top, options.Sort, options.Filter, options.Objects);
        if (options.Top < 0) throw new HeapdogException(ErrorKind.BadRequest, "--top must be 0 or more");
        if (options.Objects < 0) throw new HeapdogException(ErrorKind.BadRequest, "--objects must be 0 or more");
        var clock = Stopwatch.StartNew();
        string path = InputFile.Resolve(options.File);
        var snapshot = SnapshotOpener.Read(path, context, cancellation);
        var readTime = clock.Elapsed;
        var analysis = SnapshotOpener.Analyze(snapshot, context, cancellation);
        var analyzeTime = clock.Elapsed - readTime;
        context.Progress.Clear();

        var report = AnalyzeResult.Build(analysis, query, path, readTime, analyzeTime);
        if (options.Json) ReportJson.Write(context.Out, report, HeapdogJsonContext.Default.AnalyzeResult);
        else AnalyzeText.Write(context.Out, report, query);
        return ExitCodes.Success;
    }
}

public sealed record AnalyzeOptions(string File, int Top, SummarySort Sort, string? Filter, int Objects, bool Json);
