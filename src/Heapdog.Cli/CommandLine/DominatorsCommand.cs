using System.CommandLine;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Dominators;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog dominators FILE</c>: the top of the dominator tree, largest retained sizes first.</summary>
public static class DominatorsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A heap snapshot " + InputFile.Forms };
        var depth = new Option<int>("--depth") { Description = "How many levels below the root", DefaultValueFactory = _ => 3 }.InRange(1, 100);
        var width = new Option<int>("--width") { Description = "How many children per object, largest first", DefaultValueFactory = _ => 5 }.InRange(1, 1000);
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/dominators.md)" };
        var command = new Command("dominators", "Show the top of the dominator tree: what keeps the most memory alive");
        command.Arguments.Add(file);
        command.Options.Add(depth);
        command.Options.Add(width);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, parse.GetValue(file)!, parse.GetValue(depth), parse.GetValue(width), parse.GetValue(json), ct)));
        return command;
    }

    public static int Run(CliContext context, string file, int depth, int width, bool json, CancellationToken cancellation)
    {
        if (depth < 1 || width < 1) throw new HeapdogException(ErrorKind.BadRequest, "--depth and --width must be 1 or more");
        string path = InputFile.Resolve(file);
        var a = SnapshotOpener.Open(path, context, cancellation);
        context.Progress.Clear();
        var report = DominatorsResult.Build(a, a.RootOrdinal, depth, width);
        if (json) ReportJson.Write(context.Out, report, HeapdogJsonContext.Default.DominatorsResult);
        else Write(context.Out, report, path);
        return ExitCodes.Success;
    }

    private static void Write(TextWriter o, DominatorsResult r, string file)
    {
        long total = Math.Max(1, r.TotalSize);
        o.WriteLine($"Dominator tree of {file} (total {Format.Size(r.TotalSize)})");
        void Print(DominatorsResult.DominatorNode node, int level)
        {
            o.WriteLine($"{new string(' ', 2 + level * 2)}{NodeText.Label(node.Object)}  {Format.Size(node.Object.RetainedSize)} ({Format.Percent((double)node.Object.RetainedSize / total)})");
            foreach (var child in node.Children) Print(child, level + 1);
            // Children are listed only above the depth asked; "more" counts those beyond the width.
            if (node.Children.Count > 0 && node.ChildCount > node.Children.Count)
                o.WriteLine($"{new string(' ', 4 + level * 2)}… {Format.Count(node.ChildCount - node.Children.Count)} more");
        }
        Print(r.Root, 0);
    }
}
