using System.CommandLine;
using System.Diagnostics;
using Heapdog.Cli.Output;
using Heapdog.Cli.Reports;
using Heapdog.Leaks;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog leaks S1 S2 [S3 …]</c>: leak suspects from snapshots of one process, oldest first.</summary>
public static class LeaksCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<FileInfo[]>("SNAPSHOTS") { Description = "Two or more snapshots of one process, oldest first", Arity = new ArgumentArity(2, 100) };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/leaks.md)" };
        var html = new Option<FileInfo?>("--html") { Description = "Also write a self-contained HTML report to this file" };
        var force = new Option<bool>("--force") { Description = "Overwrite the --html file if it exists" };
        var top = new Option<int>("--top", "-n") { Description = "How many suspects to show (0 = all)", DefaultValueFactory = _ => 10 };
        var command = new Command("leaks", "Name what leaks: suspects ranked by severity, with what holds them and which code makes them");
        command.Arguments.Add(files);
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
        if (options.Top < 0) throw new HeapdogException("--top must be 0 or more", ExitCodes.Usage);
        if (options.Html is { } target && target.Exists && !options.Force)
            throw new HeapdogException($"'{target.FullName}' exists; pass --force to overwrite it", ExitCodes.Refused);
        var clock = Stopwatch.StartNew();
        var detector = new LeakDetector();
        SnapshotDigest? previous = null;
        for (int i = 0; i < options.Files.Length; i++)
        {
            string path = options.Files[i].FullName;
            bool last = i == options.Files.Length - 1;
            SnapshotDigest? digest = null;
            DigestLoader.Load(context, path, cancellation, analysis =>
            {
                context.Progress.Report($"Summarising {Path.GetFileName(path)}", -1);
                digest = SnapshotDigest.Create(analysis, path);
                if (previous is not null) DigestLoader.EnsureComparable(previous, digest);
                detector.Add(analysis, digest, last);
            }, createDigest: false);
            previous = digest;
        }
        context.Progress.Report("Finding leak suspects", -1);
        var report = detector.Detect(cancellation);
        context.Progress.Report("Writing the report", -1);
        context.Progress.Clear();
        var view = new LeaksReport(report, options.Top, clock.Elapsed);
        if (options.Html is { } htmlFile) AtomicFile.Write(htmlFile.FullName, writer => LeaksHtml.Write(report, writer), options.Force);
        if (options.Json) view.WriteJson(context.Out);
        else view.WriteText(context.Out);
        return ExitCodes.Success;
    }
}

public sealed record LeaksOptions(FileInfo[] Files, bool Json, FileInfo? Html, bool Force, int Top);
