using Heapdog.Snapshot.Analysis;
using System.CommandLine;
using Heapdog.Cli.Output;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog strings FILE</c>: strings held many times over, and the bytes the copies waste.</summary>
public static class StringsCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A .heapsnapshot file" };
        var top = new Option<int>("--top", "-n") { Description = "How many strings to list (0 = all)", DefaultValueFactory = _ => 25 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/strings.md)" };
        var command = new Command("strings", "Show duplicated strings: text, copies and wasted bytes");
        command.Arguments.Add(file);
        command.Options.Add(top);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, parse.GetValue(file)!, parse.GetValue(top), parse.GetValue(json), ct)));
        return command;
    }

    public static int Run(CliContext context, FileInfo file, int top, bool json, CancellationToken cancellation)
    {
        if (top < 0) throw new HeapdogException("--top must be 0 or more", ExitCodes.Usage);
        var a = SnapshotLoader.Analyze(context, SnapshotLoader.Load(context, file.FullName, cancellation), cancellation);
        context.Progress.Clear();
        return Report(context, a, file.FullName, top, json);
    }

    /// <summary>The command's output for an analysed snapshot; the dashboard serves the same JSON.</summary>
    public static int Report(CliContext context, SnapshotAnalysis a, string file, int top, bool json)
    {
        var s = a.Snapshot;
        int stringType = s.Meta.NodeType("string");
        // V8 writes each distinct text once in the string table, so equal texts share a name index.
        var count = new Dictionary<int, (long Count, long Bytes)>();
        for (int v = 0; v < s.NodeCount; v++)
        {
            if (s.NodeTypes[v] != stringType) continue;
            int name = s.NodeNames[v];
            var c = count.GetValueOrDefault(name);
            count[name] = (c.Count + 1, c.Bytes + s.SelfSizes[v]);
        }
        var duplicated = count.Where(p => p.Value.Count > 1)
            .Select(p => (Name: p.Key, p.Value.Count, p.Value.Bytes, Wasted: p.Value.Bytes - p.Value.Bytes / p.Value.Count))
            .OrderByDescending(x => x.Wasted).ThenBy(x => x.Name).ToList();
        var shown = top > 0 ? duplicated.Take(top).ToList() : duplicated;
        long wastedTotal = duplicated.Sum(d => d.Wasted);
        if (json)
        {
            Json.Write(context.Out, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("schemaVersion", 1);
                w.WriteNumber("duplicatedCount", duplicated.Count);
                w.WriteNumber("wastedBytes", wastedTotal);
                w.WriteStartArray("strings");
                foreach (var d in shown)
                {
                    w.WriteStartObject();
                    w.WriteString("text", s.Strings[d.Name]);
                    w.WriteNumber("count", d.Count);
                    w.WriteNumber("bytes", d.Bytes);
                    w.WriteNumber("wastedBytes", d.Wasted);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }
        var o = context.Out;
        o.WriteLine($"Duplicated strings in {file}: {Format.Count(duplicated.Count)} texts held more than once, {Format.Size(wastedTotal)} in extra copies");
        var table = new TextTable(("Text", false), ("Copies", true), ("Bytes", true), ("Wasted", true));
        foreach (var d in shown)
            table.AddRow(Text.Truncate(s.Strings[d.Name], 60), Format.Count(d.Count), Format.Size(d.Bytes), Format.Size(d.Wasted));
        table.Write(o);
        return ExitCodes.Success;
    }
}
