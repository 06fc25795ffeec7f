using System.CommandLine;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Reports.Paths;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog paths FILE @ID</c>: the k shortest retainer paths from the GC roots, with retainers cut out on request.</summary>
public static class PathsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A heap snapshot " + InputFile.Forms };
        var id = new Argument<string>("ID") { Description = "The object's id, as @123 or 123" };
        var k = new Option<int>("-k") { Description = "How many paths (each through a different direct retainer)", DefaultValueFactory = _ => 5 }.InRange(1, 1000);
        var ignore = new Option<string[]>("--ignore") { Description = "Objects to cut out of every path (as DevTools' 'ignore this retainer'); repeatable", AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/paths.md)" };
        var command = new Command("paths", "Show the shortest retainer paths from the GC roots to an object (weak edges excluded)");
        command.Arguments.Add(file);
        command.Arguments.Add(id);
        command.Options.Add(k);
        command.Options.Add(ignore);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, parse.GetValue(file)!, parse.GetValue(id)!, parse.GetValue(k),
            parse.GetValue(ignore) ?? [], parse.GetValue(json), ct)));
        return command;
    }

    public static int Run(CliContext context, string file, string idText, int k, string[] ignore, bool json, CancellationToken cancellation)
    {
        if (k < 1) throw new HeapdogException(ErrorKind.BadRequest, "-k must be 1 or more");
        ObjectId.Parse(idText);
        foreach (var i in ignore) ObjectId.Parse(i);
        string path = InputFile.Resolve(file);
        var a = SnapshotOpener.Open(path, context, cancellation);
        context.Progress.Clear();
        var report = PathsResult.Build(a, path, idText, k, ignore, cancellation);
        if (json) ReportJson.Write(context.Out, report, HeapdogJsonContext.Default.PathsResult);
        else Write(context.Out, report);
        return ExitCodes.Success;
    }

    private static void Write(TextWriter o, PathsResult r)
    {
        o.WriteLine($"Retainer paths to {NodeText.Label(r.Object)}{(r.Ignored.Count > 0 ? $", ignoring {string.Join(", ", r.Ignored.Select(i => "@" + i))}" : "")}");
        if (r.Paths.Count == 0) o.WriteLine("  none: only weak edges or ignored objects retain it (or it is unreachable)");
        int n = 0;
        foreach (var path in r.Paths)
        {
            o.WriteLine();
            o.WriteLine($"{++n}. {path.Length} links");
            foreach (var step in path.Links)
                o.WriteLine(step.EdgeType is null ? $"   {NodeText.Label(step.Object)}" : $"   {Text.Truncate(NodeText.Edge(step.EdgeType, step.Edge), 40)} → {NodeText.Label(step.Object)}");
        }
    }
}
