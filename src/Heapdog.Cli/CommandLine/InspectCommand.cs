using System.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Inspect;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog inspect FILE @ID</c>: one object, its outgoing edges, its retainers and its dominator chain.</summary>
public static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A heap snapshot " + InputFile.Forms };
        var id = new Argument<string>("ID") { Description = "The object's id, as @123 or 123" };
        var limit = new Option<int>("--limit") { Description = "How many edges and retainers to list (0 = all)", DefaultValueFactory = _ => 50 }.InRange(0, OptionRange.MaxListed);
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/inspect.md)" };
        var command = new Command("inspect", "Show one object: its edges, its retainers and its dominator chain");
        command.Arguments.Add(file);
        command.Arguments.Add(id);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, parse.GetValue(file)!, parse.GetValue(id)!, parse.GetValue(limit), parse.GetValue(json), ct)));
        return command;
    }

    public static int Run(CliContext context, string file, string idText, int limit, bool json, CancellationToken cancellation)
    {
        if (limit < 0) throw new HeapdogException(ErrorKind.BadRequest, "--limit must be 0 or more");
        ObjectId.Parse(idText);
        string path = InputFile.Resolve(file);
        var a = SnapshotOpener.Open(path, context, cancellation);
        context.Progress.Clear();
        var report = InspectResult.Build(a, path, idText, limit);
        if (json) ReportJson.Write(context.Out, report, HeapdogJsonContext.Default.InspectResult);
        else Write(context.Out, report);
        return ExitCodes.Success;
    }

    private static void Write(TextWriter o, InspectResult r)
    {
        var obj = r.Object;
        o.WriteLine(NodeText.Label(obj));
        o.WriteLine($"  type {obj.Type}, class {obj.ClassName}, shallow {Format.Size(obj.ShallowSize)}, retained {Format.Size(obj.RetainedSize)}, distance {obj.Distance}");
        if (r.Location is not null) o.WriteLine($"  code {(r.Original is { } original ? $"{original} ({r.Location})" : r.Location)}");
        if (r.SourceMapNote is { } note) o.WriteLine($"  source map: {note}");
        o.WriteLine();
        o.WriteLine($"Edges ({Format.Count(r.EdgeCount)}{(r.Edges.Count < r.EdgeCount ? $", first {r.Edges.Count}" : "")})");
        var table = new TextTable(("Edge", false), ("Object", false), ("Retained", true));
        foreach (var e in r.Edges)
            table.AddRow(Text.Truncate(NodeText.Edge(e.EdgeType, e.Edge), 40), NodeText.Label(e.To), Format.Size(e.To.RetainedSize));
        table.Write(o);
        o.WriteLine();
        o.WriteLine($"Retainers ({Format.Count(r.RetainerCount)}{(r.Retainers.Count < r.RetainerCount ? $", first {r.Retainers.Count}" : "")})");
        var rt = new TextTable(("Object", false), ("Edge", false), ("Distance", true));
        foreach (var e in r.Retainers)
            rt.AddRow(NodeText.Label(e.From), Text.Truncate(NodeText.Edge(e.EdgeType, e.Edge), 40), e.From.Distance.ToString(System.Globalization.CultureInfo.InvariantCulture));
        rt.Write(o);
        o.WriteLine();
        o.WriteLine("Dominator chain (nearest first)");
        foreach (var d in r.Dominators) o.WriteLine($"  {NodeText.Label(d)}  retained {Format.Size(d.RetainedSize)}");
    }
}
