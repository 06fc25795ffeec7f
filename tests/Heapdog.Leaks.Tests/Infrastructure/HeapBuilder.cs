using System.Globalization;
using System.Text;
using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks.Tests.Infrastructure;

/// <summary>
/// Writes a small heap snapshot in Node 20's layout, with source locations, from a hand-drawn graph; reads and
/// analyses it. Node 0 is the synthetic root (id 1). Ids are given by the test, so that one object keeps its id
/// across the snapshots of a series (V8 numbers JavaScript objects with odd ids).
/// </summary>
internal sealed class HeapBuilder
{
    private static readonly string[] NodeTypes =
        ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"];
    private static readonly string[] EdgeTypes = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];
    private const int NodeFields = 7;

    private readonly List<string> _strings = [""];
    private readonly Dictionary<string, int> _stringIndex = new(StringComparer.Ordinal) { [""] = 0 };
    private readonly List<(string Type, string Name, uint Id, uint Size)> _nodes = [];
    private readonly List<List<(string Type, string NameOrIndex, int Target)>> _edges = [];
    private readonly List<(int Node, int Script, int Line, int Column)> _locations = [];

    public HeapBuilder() => Add("synthetic", "", 1);

    public const int Root = 0;

    /// <summary>Adds a node and returns its ordinal.</summary>
    public int Add(string type, string name, uint id, uint selfSize = 0)
    {
        _nodes.Add((type, name, id, selfSize));
        _edges.Add([]);
        return _nodes.Count - 1;
    }

    /// <summary>Changes a node's type and name (keeping its id, size and edges).</summary>
    public HeapBuilder Retype(int node, string type, string name)
    {
        _nodes[node] = (type, name, _nodes[node].Id, _nodes[node].Size);
        return this;
    }

    /// <summary>Adds an edge; <paramref name="nameOrIndex"/> is a number for <c>element</c> and <c>hidden</c> edges.</summary>
    public HeapBuilder Edge(int from, string type, string nameOrIndex, int to)
    {
        _edges[from].Add((type, nameOrIndex, to));
        return this;
    }

    public HeapBuilder Element(int from, int index, int to) => Edge(from, "element", index.ToString(CultureInfo.InvariantCulture), to);

    /// <summary>Per node ordinal: its trace_node_id (0 when absent).</summary>
    public Dictionary<int, int> TraceNodeOf { get; } = [];
    /// <summary>Raw <c>trace_function_infos</c> (V8's six fields; name and script as strings, see
    /// <see cref="String"/>) and <c>trace_tree</c>; null: allocation tracking was off.</summary>
    public string? TraceFunctionInfos { get; set; }
    public string? TraceTree { get; set; }

    /// <summary>The string table index of <paramref name="s"/>.</summary>
    public int String(string s) => Str(s);

    /// <summary>Records a 0-based source position for a node (a closure, or an object's constructor).</summary>
    public HeapBuilder Locate(int node, int scriptId, int line, int column)
    {
        _locations.Add((node, scriptId, line, column));
        return this;
    }

    /// <summary>
    /// A closure created at <paramref name="line"/> of a script named <paramref name="scriptName"/>, with the
    /// shared-function-info and script nodes through which V8 names scripts (ids <paramref name="id"/> + 2 and + 4).
    /// </summary>
    public int Closure(string name, uint id, int scriptId, string scriptName, int line, uint selfSize = 32)
    {
        int closure = Add("closure", name, id, selfSize);
        int shared = Add("code", name, id + 2, 16);
        int script = Add("code", scriptName, id + 4, 16);
        Edge(closure, "internal", "shared", shared);
        Edge(shared, "internal", "script", script);
        Locate(closure, scriptId, line, 0);
        return closure;
    }

    private int Str(string s)
    {
        if (_stringIndex.TryGetValue(s, out int i)) return i;
        _strings.Add(s);
        return _stringIndex[s] = _strings.Count - 1;
    }

    public HeapSnapshot Build()
    {
        var nodes = new StringBuilder();
        var edges = new StringBuilder();
        int edgeCount = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            var (type, name, id, size) = _nodes[i];
            if (i > 0) nodes.Append(',');
            nodes.Append(CultureInfo.InvariantCulture, $"{Array.IndexOf(NodeTypes, type)},{Str(name)},{id},{size},{_edges[i].Count},{TraceNodeOf.GetValueOrDefault(i)},0");
            foreach (var (edgeType, nameOrIndex, target) in _edges[i])
            {
                if (edgeCount++ > 0) edges.Append(',');
                int n = edgeType is "element" or "hidden" ? int.Parse(nameOrIndex, CultureInfo.InvariantCulture) : Str(nameOrIndex);
                edges.Append(CultureInfo.InvariantCulture, $"{Array.IndexOf(EdgeTypes, edgeType)},{n},{target * NodeFields}");
            }
        }
        var locations = string.Join(',', _locations.Select(l => string.Create(CultureInfo.InvariantCulture, $"{l.Node * NodeFields},{l.Script},{l.Line},{l.Column}")));
        var json = new StringBuilder();
        json.Append("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\",\"trace_node_id\",\"detachedness\"],");
        json.Append("\"node_types\":[[").Append(string.Join(',', NodeTypes.Select(t => $"\"{t}\""))).Append("],\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"],");
        json.Append("\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],");
        json.Append("\"edge_types\":[[").Append(string.Join(',', EdgeTypes.Select(t => $"\"{t}\""))).Append("],\"string_or_number\",\"node\"],");
        json.Append(TraceTree is null ? "\"trace_function_info_fields\":[],\"trace_node_fields\":[],"
            : "\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\",\"line\",\"column\"],\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\",\"children\"],");
        json.Append("\"sample_fields\":[],\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]},");
        json.Append(CultureInfo.InvariantCulture, $"\"node_count\":{_nodes.Count},\"edge_count\":{edgeCount},\"trace_function_count\":0}},");
        json.Append("\"nodes\":[").Append(nodes).Append("],\"edges\":[").Append(edges).Append("],");
        json.Append("\"trace_function_infos\":[").Append(TraceFunctionInfos).Append("],\"trace_tree\":[").Append(TraceTree).Append("],\"samples\":[],\"locations\":[").Append(locations).Append("],\"strings\":[");
        json.Append(string.Join(',', _strings.Select(s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"")));
        json.Append("]}");
        return HeapSnapshotReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json.ToString())));
    }

    /// <summary>Reads, analyses and digests the graph, as the commands do with a file.</summary>
    public (SnapshotAnalysis Analysis, SnapshotDigest Digest) Analyze(string source)
    {
        var analysis = SnapshotAnalysis.Analyze(Build());
        return (analysis, SnapshotDigest.Create(analysis, source));
    }

    /// <summary>The leak report over snapshots built by <paramref name="build"/> for steps 0, 1, … (oldest first).</summary>
    public static LeakReport Detect(Func<int, HeapBuilder> build, int snapshots = 3)
    {
        var series = new LeakSeries();
        for (int k = 0; k < snapshots; k++)
        {
            var (analysis, digest) = build(k).Analyze($"s{k + 1}");
            series.Add(analysis, digest, $"s{k + 1}", k == snapshots - 1);
        }
        return series.Detect();
    }
}
