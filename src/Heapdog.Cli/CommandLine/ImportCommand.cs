using System.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Workflows.Importing;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Import;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog import</c>: memory logs, pm2 dumps and Prometheus scrapes into the store, with the verdict over
/// each series. See docs/import.md.</summary>
public static class ImportCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("FILES") { Description = "process.memoryUsage() logs, pm2 jlist dumps, pm2 logs, Prometheus scrapes", Arity = ArgumentArity.OneOrMore };
        var name = new Option<string?>("--name") { Description = "Store the series under this name (default: the file's name); for pm2 dumps, read only this app" };
        var interval = new Option<TimeSpan>("--interval", "-i")
        {
            Description = "Spacing of records that carry no time, the last at the file's modification time",
            DefaultValueFactory = _ => SeriesImport.DefaultInterval,
            CustomParser = OptionRange.Duration("--interval", TimeSpan.FromMilliseconds(1), TimeSpan.FromDays(1)),
        };
        var db = new Option<string?>("--db") { Description = "Store file (default: $XDG_DATA_HOME/heapdog/heapdog.db or ~/.local/share/heapdog/heapdog.db)" };
        var json = new Option<bool>("--json") { Description = "Print what was imported as JSON (shape in docs/import.md)" };
        var command = new Command("import", "Read memory records you already have (memoryUsage logs, pm2 jlist, Prometheus scrapes) into the store, with a verdict");
        command.Arguments.Add(files);
        foreach (var o in new Option[] { name, interval, db, json }) command.Options.Add(o);
        command.SetAction(parse =>
        {
            var result = SeriesImport.Run(parse.GetValue(files) ?? [], parse.GetValue(name), parse.GetValue(db), parse.GetValue(interval));
            if (parse.GetValue(json)) ReportJson.Write(context.Out, result, HeapdogJsonContext.Default.ImportResult);
            else WriteText(context.Out, result, context.Colours);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void WriteText(TextWriter o, ImportResult result, Colours colours)
    {
        foreach (var f in result.Files)
            o.WriteLine($"{f.Path}: {f.Samples} sample(s) from {f.Lines} line(s) ({(f.Formats.Count > 0 ? string.Join(", ", f.Formats) : "no records")}), {f.Skipped} skipped");
        o.WriteLine();
        foreach (var p in result.Processes)
        {
            o.WriteLine($"{p.Name}{(p.Pid is { } pid ? $" (pid {pid})" : "")}: {p.Samples} sample(s), {p.First} to {p.Last}");
            o.WriteLine($"    {colours.ByVerdict(p.Verdict.Status, p.Verdict.Text)}");
        }
        o.WriteLine();
        o.WriteLine($"Stored in {result.Db}; to see them charted: heapdog serve --db '{result.Db}'");
    }
}
