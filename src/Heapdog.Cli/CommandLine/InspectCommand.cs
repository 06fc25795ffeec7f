using System.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Cli.Reports;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog inspect FILE @ID</c>: one object, its outgoing edges, its retainers and its dominator chain.</summary>
public static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A .heapsnapshot file" };
        var id = new Argument<string>("ID") { Description = "The object's id, as @123 or 123" };
        var limit = new Option<int>("--limit") { Description = "How many edges and retainers to list (0 = all)", DefaultValueFactory = _ => 50 };
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (schema in docs/inspect.md)" };
        var command = new Command("inspect", "Show one object: its edges, its retainers and its dominator chain");
        command.Arguments.Add(file);
        command.Arguments.Add(id);
        command.Options.Add(limit);
        command.Options.Add(json);
        command.SetAction((parse, ct) => Task.FromResult(Run(context, parse.GetValue(file)!, parse.GetValue(id)!, parse.GetValue(limit), parse.GetValue(json), ct)));
        return command;
    }

    public static int Run(CliContext context, FileInfo file, string idText, int limit, bool json, CancellationToken cancellation)
    {
        if (limit < 0) throw new HeapdogException("--limit must be 0 or more", ExitCodes.Usage);
        ObjectId.Parse(idText);
        var a = SnapshotLoader.Analyze(context, SnapshotLoader.Load(context, file.FullName, cancellation), cancellation);
        context.Progress.Clear();
        return Report(context, a, file.FullName, idText, limit, json);
    }

    /// <summary>The command's output for an analysed snapshot; the dashboard serves the same JSON.</summary>
    public static int Report(CliContext context, SnapshotAnalysis a, string file, string idText, int limit, bool json)
    {
        int v = ObjectId.Resolve(a, idText, file);
        var s = a.Snapshot;
        var edges = Enumerable.Range(s.FirstEdge[v], s.EdgeCountOf(v)).ToList();
        var retainers = Enumerable.Range(a.Retainers.First[v], a.Retainers.CountOf(v)).ToList();
        var chain = new List<int>();
        for (int d = a.Dominators[v], guard = 0; guard < 100_000; d = a.Dominators[d], guard++)
        {
            chain.Add(d);
            if (d == a.RootOrdinal || a.Dominators[d] == d) break;
        }
        var scripts = ScriptNames.Build(s);
        string? location = s.Locations.TryGet(v, out var l) ? $"{scripts.NameOf(l.ScriptId) ?? $"script {l.ScriptId}"}:{l.Line + 1}:{l.Column + 1}" : null;
        int shownEdges = limit > 0 ? Math.Min(limit, edges.Count) : edges.Count;
        int shownRetainers = limit > 0 ? Math.Min(limit, retainers.Count) : retainers.Count;

        if (json)
        {
            Json.Write(context.Out, w =>
            {
                w.WriteStartObject();
                w.WriteNumber("schemaVersion", 1);
                w.WritePropertyName("object");
                NodeText.WriteObject(w, a, v);
                if (location is not null) w.WriteString("location", location); else w.WriteNull("location");
                w.WriteNumber("edgeCount", edges.Count);
                w.WriteStartArray("edges");
                foreach (int e in edges.Take(shownEdges))
                {
                    w.WriteStartObject();
                    NodeText.WriteEdge(w, a, e);
                    w.WritePropertyName("to");
                    NodeText.WriteObject(w, a, s.EdgeTargets[e]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteNumber("retainerCount", retainers.Count);
                w.WriteStartArray("retainers");
                foreach (int i in retainers.Take(shownRetainers))
                {
                    w.WriteStartObject();
                    NodeText.WriteEdge(w, a, a.Retainers.EdgeOf(a.Snapshot, v, i));
                    w.WritePropertyName("from");
                    NodeText.WriteObject(w, a, a.Retainers.Nodes[i]);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("dominators");
                foreach (int d in chain) NodeText.WriteObject(w, a, d);
                w.WriteEndArray();
                w.WriteEndObject();
            });
            return ExitCodes.Success;
        }

        var o = context.Out;
        o.WriteLine(NodeText.Label(a, v));
        o.WriteLine($"  type {s.NodeTypeName(v)}, class {a.ClassOfNode(v).Name}, shallow {Format.Size(a.ShallowSize(v))}, retained {Format.Size(a.RetainedSizes[v])}, distance {a.Distances[v]}");
        if (location is not null) o.WriteLine($"  code {location}");
        o.WriteLine();
        o.WriteLine($"Edges ({Format.Count(edges.Count)}{(shownEdges < edges.Count ? $", first {shownEdges}" : "")})");
        var table = new TextTable(("Edge", false), ("Object", false), ("Retained", true));
        foreach (int e in edges.Take(shownEdges))
            table.AddRow(Text.Truncate(NodeText.Edge(a, e), 40), NodeText.Label(a, s.EdgeTargets[e]), Format.Size(a.RetainedSizes[s.EdgeTargets[e]]));
        table.Write(o);
        o.WriteLine();
        o.WriteLine($"Retainers ({Format.Count(retainers.Count)}{(shownRetainers < retainers.Count ? $", first {shownRetainers}" : "")})");
        var rt = new TextTable(("Object", false), ("Edge", false), ("Distance", true));
        foreach (int i in retainers.Take(shownRetainers))
            rt.AddRow(NodeText.Label(a, a.Retainers.Nodes[i]), Text.Truncate(NodeText.Edge(a, a.Retainers.EdgeOf(a.Snapshot, v, i)), 40), a.Distances[a.Retainers.Nodes[i]].ToString(System.Globalization.CultureInfo.InvariantCulture));
        rt.Write(o);
        o.WriteLine();
        o.WriteLine("Dominator chain (nearest first)");
        foreach (int d in chain) o.WriteLine($"  {NodeText.Label(a, d)}  retained {Format.Size(a.RetainedSizes[d])}");
        return ExitCodes.Success;
    }
}
