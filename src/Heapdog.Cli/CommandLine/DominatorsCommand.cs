using System.CommandLine;
using System.Text.Json;
using Heapdog.Cli.Output;
using Heapdog.Cli.Reports;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog dominators FILE</c>: the top of the dominator tree, largest retained sizes first.</summary>
public static class DominatorsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A .heapsnapshot file" };
        var depth = new Option<int>("--depth") { Description = "How many levels below the root", DefaultValueFactory = _ => 3 };
        var width = new Option<int>("--width") { Description = "How many children per object, largest first", DefaultValueFactory = _ => 5 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/dominators.md)" };
        var command = new Command("dominators", "Show the top of the dominator tree: what keeps the most memory alive");
        command.Arguments.Add(file);
        command.Options.Add(depth);
        command.Options.Add(width);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, parse.GetValue(file)!, parse.GetValue(depth), parse.GetValue(width), parse.GetValue(json), ct)));
        return command;
    }

    public static int Run(CliContext context, FileInfo file, int depth, int width, bool json, CancellationToken cancellation)
    {
        if (depth < 1 || width < 1) throw new HeapdogException("--depth and --width must be 1 or more", ExitCodes.Usage);
        var a = SnapshotLoader.Analyze(context, SnapshotLoader.Load(context, file.FullName, cancellation), cancellation);
        context.Progress.Clear();
        return Report(context, a, file.FullName, a.RootOrdinal, depth, width, json);
    }

    /// <summary>The command's output for an analysed snapshot; the dashboard serves the same JSON.</summary>
    public static int Report(CliContext context, SnapshotAnalysis a, string file, int root, int depth, int width, bool json)
    {
        List<int> Children(int v)
        {
            var children = new List<int>();
            for (int i = a.FirstDominated[v]; i < a.FirstDominated[v + 1]; i++) children.Add(a.DominatedNodes[i]);
            children.Sort((x, y) => a.RetainedSizes[y].CompareTo(a.RetainedSizes[x]));
            return children;
        }
        long total = Math.Max(1, a.TotalSize);
        if (json)
        {
            void Node(Utf8JsonWriter w, int v, int level)
            {
                var children = Children(v);
                w.WriteStartObject();
                w.WritePropertyName("object");
                NodeText.WriteObject(w, a, v);
                w.WriteNumber("childCount", children.Count);
                w.WriteStartArray("children");
                if (level < depth) foreach (int c in children.Take(width)) Node(w, c, level + 1);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            Json.Write(context.Out, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("schemaVersion", 1);
                w.WriteNumber("totalSize", a.TotalSize);
                w.WritePropertyName("root");
                Node(w, root, 0);
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }
        var o = context.Out;
        o.WriteLine($"Dominator tree of {file} (total {Format.Size(a.TotalSize)})");
        void Print(int v, int level)
        {
            o.WriteLine($"{new string(' ', 2 + level * 2)}{NodeText.Label(a, v)}  {Format.Size(a.RetainedSizes[v])} ({Format.Percent((double)a.RetainedSizes[v] / total)})");
            if (level >= depth) return;
            var children = Children(v);
            foreach (int c in children.Take(width)) Print(c, level + 1);
            if (children.Count > width) o.WriteLine($"{new string(' ', 4 + level * 2)}… {Format.Count(children.Count - width)} more");
        }
        Print(root, 0);
        return ExitCodes.Success;
    }
}
