using Heapdog.Snapshot.Analysis;
using System.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Cli.Reports;
using Heapdog.Snapshot.Paths;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog paths FILE @ID</c>: the k shortest retainer paths from the GC roots, with retainers cut out on request.</summary>
public static class PathsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A .heapsnapshot file" };
        var id = new Argument<string>("ID") { Description = "The object's id, as @123 or 123" };
        var k = new Option<int>("-k") { Description = "How many paths (each through a different direct retainer)", DefaultValueFactory = _ => 5 };
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

    public static int Run(CliContext context, FileInfo file, string idText, int k, string[] ignore, bool json, CancellationToken cancellation)
    {
        if (k < 1) throw new HeapdogException("-k must be 1 or more", ExitCodes.Usage);
        ObjectId.Parse(idText);
        foreach (var i in ignore) ObjectId.Parse(i);
        var a = SnapshotLoader.Analyze(context, SnapshotLoader.Load(context, file.FullName, cancellation), cancellation);
        context.Progress.Clear();
        return Report(context, a, file.FullName, idText, k, ignore, json, cancellation);
    }

    /// <summary>The command's output for an analysed snapshot; the dashboard serves the same JSON.</summary>
    public static int Report(CliContext context, SnapshotAnalysis a, string file, string idText, int k, string[] ignore, bool json, CancellationToken cancellation)
    {
        int v = ObjectId.Resolve(a, idText, file);
        var ignored = ignore.Select(i => ObjectId.Resolve(a, i, file)).ToHashSet();
        if (ignored.Contains(v)) throw new HeapdogException("the object itself cannot be ignored", ExitCodes.Usage);
        var shortest = ShortestPaths.Compute(a.Snapshot, ignored, cancellation);
        var paths = shortest.PathsThroughRetainers(v, k, a.Retainers);

        if (json)
        {
            Json.Write(context.Out, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("schemaVersion", 1);
                w.WritePropertyName("object");
                NodeText.WriteObject(w, a, v);
                w.WriteStartArray("ignored");
                foreach (int i in ignored) w.WriteNumberValue(a.Snapshot.NodeIds[i]);
                w.WriteEndArray();
                w.WriteStartArray("paths");
                foreach (var path in paths)
                {
                    w.WriteStartObject();
                    w.WriteNumber("length", path.Count - 1);
                    w.WriteStartArray("links");
                    foreach (var step in path)
                    {
                        w.WriteStartObject();
                        if (step.Edge >= 0) NodeText.WriteEdge(w, a, step.Edge);
                        w.WritePropertyName("object");
                        NodeText.WriteObject(w, a, step.Node);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }

        var o = context.Out;
        o.WriteLine($"Retainer paths to {NodeText.Label(a, v)}{(ignored.Count > 0 ? $", ignoring {string.Join(", ", ignored.Select(i => "@" + a.Snapshot.NodeIds[i]))}" : "")}");
        if (paths.Count == 0) o.WriteLine("  none: only weak edges or ignored objects retain it (or it is unreachable)");
        int n = 0;
        foreach (var path in paths)
        {
            o.WriteLine();
            o.WriteLine($"{++n}. {path.Count - 1} links");
            foreach (var step in path)
                o.WriteLine(step.Edge < 0 ? $"   {NodeText.Label(a, step.Node)}" : $"   {Text.Truncate(NodeText.Edge(a, step.Edge), 40)} → {NodeText.Label(a, step.Node)}");
        }
        return ExitCodes.Success;
    }
}
