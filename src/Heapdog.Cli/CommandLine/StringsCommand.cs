using System.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Strings;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog strings FILE</c>: strings held many times over, and the bytes the copies waste.</summary>
public static class StringsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A heap snapshot " + InputFile.Forms };
        var top = new Option<int>("--top") { Description = "How many strings to list (0 = all)", DefaultValueFactory = _ => 25 }.InRange(0, OptionRange.MaxListed);
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/strings.md)" };
        var command = new Command("strings", "Show duplicated strings: text, copies and wasted bytes");
        command.Arguments.Add(file);
        command.Options.Add(top);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, parse.GetValue(file)!, parse.GetValue(top), parse.GetValue(json), ct)));
        return command;
    }

    public static int Run(CliContext context, string file, int top, bool json, CancellationToken cancellation)
    {
        if (top < 0) throw new HeapdogException(ErrorKind.BadRequest, "--top must be 0 or more");
        string path = InputFile.Resolve(file);
        var a = SnapshotOpener.Open(path, context, cancellation);
        context.Progress.Clear();
        var report = StringsResult.Build(a, top);
        if (json)
        {
            ReportJson.Write(context.Out, report, HeapdogJsonContext.Default.StringsResult);
            return ExitCodes.Success;
        }
        var o = context.Out;
        o.WriteLine($"Duplicated strings in {path}: {Format.Count(report.DuplicatedCount)} texts held more than once, {Format.Size(report.WastedBytes)} in extra copies");
        var table = new TextTable(("Text", false), ("Copies", true), ("Bytes", true), ("Wasted", true));
        foreach (var d in report.Strings)
            table.AddRow(Text.Truncate(d.Text, 60), Format.Count(d.Count), Format.Size(d.Bytes), Format.Size(d.WastedBytes));
        table.Write(o);
        return ExitCodes.Success;
    }
}
