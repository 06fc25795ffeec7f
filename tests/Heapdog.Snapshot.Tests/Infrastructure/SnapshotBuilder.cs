using System.Globalization;
using System.Text;

namespace Heapdog.Snapshot.Tests.Infrastructure;

/// <summary>
/// Writes small heap snapshots in Node 20's layout from a hand-drawn or random graph, for parser and graph tests.
/// Node 0 is the synthetic root; its first child is "(GC roots)"; user objects hang under the root via a shortcut.
/// </summary>
public sealed class SnapshotBuilder
{
    public static readonly string[] NodeTypes =
        ["hidden", "array", "string", "object", "code", "closure", "regexp", "number", "native", "synthetic", "concatenated string", "sliced string", "symbol", "bigint", "object shape"];
    public static readonly string[] EdgeTypes = ["context", "element", "property", "internal", "hidden", "shortcut", "weak"];

    private readonly List<string> _strings = ["<dummy>"];
    private readonly List<(string Type, string Name, uint Id, uint Size)> _nodes = [];
    private readonly List<List<(string Type, string NameOrIndex, int Target)>> _edges = [];

    public SnapshotBuilder() => AddNode("synthetic", "", 0);

    public int AddNode(string type, string name, uint selfSize, uint? id = null)
    {
        _nodes.Add((type, name, id ?? (uint)(_nodes.Count * 2 + 1), selfSize));
        _edges.Add([]);
        return _nodes.Count - 1;
    }

    public SnapshotBuilder AddEdge(int from, string type, string nameOrIndex, int to)
    {
        _edges[from].Add((type, nameOrIndex, to));
        return this;
    }

    public int NodeCount => _nodes.Count;

    /// <summary>Per node ordinal: its trace_node_id (0 when absent).</summary>
    public Dictionary<int, int> TraceNodeOf { get; } = [];
    /// <summary>Raw <c>trace_function_infos</c> and <c>trace_tree</c> (with V8's field lists in meta); null: empty, no fields.</summary>
    public string? TraceFunctionInfos { get; set; }
    public string? TraceTree { get; set; }

    /// <summary>The string table index of <paramref name="s"/> (added when missing).</summary>
    public int String(string s) => Str(s);

    private int Str(string s)
    {
        int i = _strings.IndexOf(s);
        if (i >= 0) return i;
        _strings.Add(s);
        return _strings.Count - 1;
    }

    public string Build()
    {
        var nodes = new StringBuilder();
        var edges = new StringBuilder();
        int edgeCount = 0;
        for (int i = 0; i < _nodes.Count; i++)
        {
            var (type, name, id, size) = _nodes[i];
            if (i > 0) nodes.Append(",\n");
            nodes.Append(CultureInfo.InvariantCulture, $"{Array.IndexOf(NodeTypes, type)},{Str(name)},{id},{size},{_edges[i].Count},{TraceNodeOf.GetValueOrDefault(i)},0");
            if (ExtraNodeField) nodes.Append(",7");
            foreach (var (etype, nameOrIndex, target) in _edges[i])
            {
                if (edgeCount++ > 0) edges.Append(',');
                int t = Array.IndexOf(EdgeTypes, etype);
                int n = etype is "element" or "hidden" ? int.Parse(nameOrIndex, CultureInfo.InvariantCulture) : Str(nameOrIndex);
                edges.Append(CultureInfo.InvariantCulture, $"{t},{n},{target * (ExtraNodeField ? 8 : 7)}\n");
            }
        }
        var sb = new StringBuilder();
        sb.Append("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\",\"trace_node_id\",\"detachedness\"" + (ExtraNodeField ? ",\"future_field\"" : "") + "],");
        sb.Append("\"node_types\":[[").Append(string.Join(",", NodeTypes.Select(t => $"\"{t}\""))).Append("],\"string\",\"number\",\"number\",\"number\",\"number\",\"number\"" + (ExtraNodeField ? ",\"number\"" : "") + "],");
        sb.Append("\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],");
        sb.Append("\"edge_types\":[[").Append(string.Join(",", EdgeTypes.Select(t => $"\"{t}\""))).Append("],\"string_or_number\",\"node\"],");
        sb.Append(TraceTree is null ? "\"trace_function_info_fields\":[],\"trace_node_fields\":[],"
            : "\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\",\"line\",\"column\"],\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\",\"children\"],");
        sb.Append("\"sample_fields\":[],\"location_fields\":[\"object_index\",\"script_id\",\"line\",\"column\"]},");
        sb.Append(CultureInfo.InvariantCulture, $"\"node_count\":{_nodes.Count},\"edge_count\":{edgeCount},\"trace_function_count\":0}},\n");
        sb.Append("\"nodes\":[").Append(nodes).Append("],\n\"edges\":[").Append(edges).Append("],\n");
        sb.Append("\"trace_function_infos\":[").Append(TraceFunctionInfos).Append("],\"trace_tree\":[").Append(TraceTree).Append("],\"samples\":[],\"locations\":[],\n\"strings\":[");
        sb.Append(string.Join(",\n", _strings.Select(JsString)));
        sb.Append("]}");
        return sb.ToString();
    }

    /// <summary>A JSON string as V8 writes it: every non-ASCII UTF-16 unit as \\uXXXX (so lone surrogates survive).</summary>
    public static string JsString(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (char c in value)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7E) sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}");
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Adds an eighth node field unknown to readers (as a future V8 might).</summary>
    public bool ExtraNodeField { get; init; }

    public static HeapSnapshot Read(string json, int bufferSize = HeapSnapshotReader.DefaultBufferSize) =>
        HeapSnapshotReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json)), bufferSize: bufferSize);
}

/// <summary>A stream that hands out its bytes in reads of at most <c>chunk</c> bytes, or split once at <c>splitAt</c>.</summary>
public sealed class ChunkedStream(byte[] data, int chunk, int splitAt = -1) : Stream
{
    private int _pos;
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => _pos; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count)
    {
        int limit = splitAt > _pos ? splitAt - _pos : chunk;
        int n = Math.Min(Math.Min(count, limit), data.Length - _pos);
        Array.Copy(data, _pos, buffer, offset, n);
        _pos += n;
        return n;
    }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
