using System.Text.Json;
using Heapdog.Snapshot.Reading;

namespace Heapdog.Snapshot;

/// <summary>
/// Reads a V8 <c>.heapsnapshot</c> by streaming its UTF-8 bytes through one bounded buffer: never the whole file as a
/// string, never a JSON DOM (only the small header object is parsed as a document). Sections it does not know are
/// skipped; every index is validated once here so the analysis kernels can trust them. Any problem surfaces as
/// <see cref="SnapshotFormatException"/> with the byte offset.
/// </summary>
public static class HeapSnapshotReader
{
    public const int DefaultBufferSize = 4 << 20;

    /// <summary>
    /// Files from this size on have their string table point into the memory-mapped file instead of copying its text
    /// (<see cref="MappedFile"/>): at 4 GB that is over a gigabyte of the process's own memory saved. Smaller files copy,
    /// which costs little there and keeps the one risk of a map away from everyday use: another process truncating the
    /// file while it is mapped makes the lost pages fault instead of giving a clear error.
    /// </summary>
    internal static long MapStringsFromBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Files from this size on have their <c>nodes</c> and <c>edges</c> read on every core
    /// (<see cref="ParallelNumberReader"/>); below it starting the threads costs more than it saves.
    /// </summary>
    internal static long ParallelFromBytes { get; set; } = 8L << 20;

    public static HeapSnapshot Read(string path, IProgress<double>? progress = null, CancellationToken cancellation = default,
        SnapshotLimits? limits = null)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FileNotFoundException($"cannot open '{path}': {ex.Message}", path, ex);
        }
        using (stream)
        {
            // The string table points into the mapped file rather than copying its text (see StringTable).
            var file = stream.Length >= MapStringsFromBytes ? MappedFile.TryMap(stream) : null;
            var parallel = stream.Length >= ParallelFromBytes ? new ParallelSource(path, stream.SafeFileHandle, stream.Length, cancellation) : null;
            var snapshot = ReadCore(stream, progress, cancellation, limits, DefaultBufferSize, file, parallel);
            snapshot.FileSize = stream.Length;
            return snapshot;
        }
    }

    public static HeapSnapshot Read(Stream stream, IProgress<double>? progress = null, CancellationToken cancellation = default,
        SnapshotLimits? limits = null, int bufferSize = DefaultBufferSize) =>
        ReadCore(stream, progress, cancellation, limits, bufferSize, null, null);

    /// <summary>The file behind the stream, for reading sections on every core; null for other streams.</summary>
    private sealed record ParallelSource(string Path, Microsoft.Win32.SafeHandles.SafeFileHandle File, long Length, CancellationToken Cancellation);

    /// <summary>
    /// Reads <paramref name="stream"/>; <paramref name="file"/>, when given, maps the same file from byte 0, and
    /// <paramref name="parallel"/>, when given, is the same file read in parallel.
    /// </summary>
    private static HeapSnapshot ReadCore(Stream stream, IProgress<double>? progress, CancellationToken cancellation,
        SnapshotLimits? limits, int bufferSize, MappedFile? file, ParallelSource? parallel)
    {
        limits ??= SnapshotLimits.Default;
        long length = stream.CanSeek ? stream.Length : -1;
        Action<long>? onRefill = progress is null || length <= 0 ? null : offset => progress.Report(Math.Min(1.0, (double)offset / length));
        var reader = new ByteReader(stream, Math.Max(bufferSize, 256), cancellation, onRefill);
        // The strings, last in V8's files, are parsed on another thread meanwhile.
        using var strings = parallel is null ? null : StringsAhead.Start(parallel.Path, parallel.Length, limits, file, cancellation);
        var snapshot = ReadDocument(reader, limits, length, file, parallel, strings);
        if (length >= 0) snapshot.FileSize = length;
        progress?.Report(1.0);
        return snapshot;
    }

    private static HeapSnapshot ReadDocument(ByteReader reader, SnapshotLimits limits, long length, MappedFile? file, ParallelSource? parallel,
        StringsAhead? stringsAhead)
    {
        int first = reader.PeekToken();
        if (first < 0) reader.Fail("the file is empty, not a heap snapshot");
        if (first != '{') reader.Fail($"not a heap snapshot: expected '{{' at the start, found {ByteReader.Describe(first)}");
        reader.Pos++;

        HeapSnapshot? snapshot = null;
        FieldRole[]? nodeRoles = null, edgeRoles = null;
        bool sawNodes = false, sawEdges = false;
        StringTable? strings = null;
        IntListSink locations = default, traceFunctions = default;
        bool sawLocations = false, sawTraceFunctions = false;
        AllocationTraceReader.Tree? traceTree = null;
        long nodesEndOffset = -1, edgesEndOffset = -1;

        if (reader.PeekToken() == '}') reader.Fail("not a heap snapshot: the top-level object is empty");
        while (true)
        {
            long keyOffset = reader.Offset;
            string key = reader.ReadShortString("as a top-level key");
            reader.Expect((byte)':', $"after the key \"{key}\"");
            switch (key)
            {
                case "snapshot":
                    (snapshot, nodeRoles, edgeRoles) = ReadHeader(reader, limits, length);
                    break;
                case "nodes":
                    if (snapshot is null) reader.FailAt("'nodes' comes before the 'snapshot' header", keyOffset);
                    if (parallel is not null && ParallelNumberReader.TryReadNodes(reader, parallel.File, parallel.Length, snapshot, nodeRoles!, parallel.Cancellation))
                    {
                        // Read, counted and summed as the serial path below checks them.
                        snapshot.FirstEdge[snapshot.NodeCount] = snapshot.EdgeCount;
                        nodesEndOffset = reader.Offset;
                        sawNodes = true;
                        break;
                    }
                    var nodeSink = new NodeSink(snapshot, nodeRoles!);
                    long nodeElements = NumberArrayReader.Read(reader, ref nodeSink, "nodes");
                    if (nodeElements != (long)snapshot.NodeCount * nodeRoles!.Length)
                        reader.Fail($"'nodes' has {nodeElements:N0} elements, but the header declares {snapshot.NodeCount:N0} nodes × {nodeRoles.Length} fields");
                    if (nodeSink.EdgeSum != snapshot.EdgeCount)
                        reader.Fail($"node edge counts add up to {nodeSink.EdgeSum:N0}, but the header declares {snapshot.EdgeCount:N0} edges");
                    snapshot.FirstEdge[snapshot.NodeCount] = snapshot.EdgeCount;
                    nodesEndOffset = reader.Offset;
                    sawNodes = true;
                    break;
                case "edges":
                    if (snapshot is null) reader.FailAt("'edges' comes before the 'snapshot' header", keyOffset);
                    if (parallel is not null && ParallelNumberReader.TryReadEdges(reader, parallel.File, parallel.Length, snapshot, edgeRoles!, parallel.Cancellation))
                    {
                        edgesEndOffset = reader.Offset;
                        sawEdges = true;
                        break;
                    }
                    var edgeSink = new EdgeSink(snapshot, edgeRoles!);
                    long edgeElements = NumberArrayReader.Read(reader, ref edgeSink, "edges");
                    if (edgeElements != (long)snapshot.EdgeCount * edgeRoles!.Length)
                        reader.Fail($"'edges' has {edgeElements:N0} elements, but the header declares {snapshot.EdgeCount:N0} edges × {edgeRoles.Length} fields");
                    edgesEndOffset = reader.Offset;
                    sawEdges = true;
                    break;
                case "locations":
                    locations = new IntListSink();
                    NumberArrayReader.Read(reader, ref locations, "locations");
                    sawLocations = true;
                    break;
                case "strings":
                    strings = stringsAhead?.TryTake(reader) ?? ReadStrings(reader, limits, file);
                    break;
                case "trace_function_infos":
                    traceFunctions = new IntListSink();
                    NumberArrayReader.Read(reader, ref traceFunctions, "trace_function_infos");
                    sawTraceFunctions = true;
                    break;
                case "trace_tree" when snapshot is not null:
                    traceTree = AllocationTraceReader.ReadTree(reader, snapshot.Meta.TraceNodeFields, limits);
                    break;
                default:
                    // samples and anything newer writers add.
                    reader.SkipValue($"in '{key}'");
                    break;
            }
            int next = reader.PeekToken();
            if (next == ',') { reader.Pos++; continue; }
            if (next == '}') { reader.Pos++; break; }
            if (next < 0) reader.Fail($"the file ends after the '{key}' section (truncated snapshot)");
            reader.Fail($"expected ',' or '}}' after the '{key}' section, found {ByteReader.Describe(next)}");
        }
        if (reader.PeekToken() >= 0) reader.Fail($"unexpected {ByteReader.Describe(reader.Buffer[reader.Pos])} after the end of the snapshot");

        long end = reader.Offset;
        if (snapshot is null) throw new SnapshotFormatException("not a heap snapshot: no 'snapshot' header", end);
        if (!sawNodes) throw new SnapshotFormatException("the snapshot has no 'nodes' section", end);
        if (!sawEdges) throw new SnapshotFormatException("the snapshot has no 'edges' section", end);
        if (strings is null) throw new SnapshotFormatException("the snapshot has no 'strings' section", end);

        snapshot.Strings = strings;
        snapshot.CacheTypeIndexes();
        ValidateStringIndexes(snapshot, nodesEndOffset, edgesEndOffset);
        if (sawLocations) snapshot.Locations = BuildLocations(snapshot, locations, end);
        // Only both tables together describe allocation stacks; an empty tree means tracking was off.
        if (sawTraceFunctions && traceTree is { Count: > 0 } tree)
            snapshot.AllocationTrace = AllocationTraceReader.Build(snapshot, traceFunctions.Values.AsSpan(0, traceFunctions.Count), tree, end);
        return snapshot;
    }

    private static (HeapSnapshot, FieldRole[], FieldRole[]) ReadHeader(ByteReader reader, SnapshotLimits limits, long length)
    {
        long start = reader.Offset;
        var buffer = new MemoryStream();
        reader.SkipValue("in the 'snapshot' header", buffer, limits.MaxHeaderBytes);
        SnapshotMeta meta;
        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray());
            meta = ParseMeta(doc.RootElement, limits);
        }
        catch (JsonException ex)
        {
            throw new SnapshotFormatException($"the 'snapshot' header is not valid JSON: {ex.Message}", start);
        }
        catch (HeaderException ex)
        {
            throw new SnapshotFormatException(ex.Message, start, ex.Unsupported);
        }

        // Each node needs at least two bytes per field in the file ("0,"), each edge too: a header claiming more
        // than the file can hold is corrupted, and is refused before anything is allocated.
        if (length > 0)
        {
            if ((long)meta.DeclaredNodeCount * meta.NodeFieldCount * 2 > length + 16)
                throw new SnapshotFormatException($"the header declares {meta.DeclaredNodeCount:N0} nodes, more than a {length:N0}-byte file can hold", start);
            if ((long)meta.DeclaredEdgeCount * meta.EdgeFieldCount * 2 > length + 16)
                throw new SnapshotFormatException($"the header declares {meta.DeclaredEdgeCount:N0} edges, more than a {length:N0}-byte file can hold", start);
        }
        if (meta.RootIndex % meta.NodeFieldCount != 0 || (meta.DeclaredNodeCount > 0 && meta.RootIndex / meta.NodeFieldCount >= meta.DeclaredNodeCount))
            throw new SnapshotFormatException($"the header's root_index {meta.RootIndex} is not a node offset", start);
        if (meta.DeclaredNodeCount == 0)
            throw new SnapshotFormatException("the header declares no nodes", start);

        var nodeRoles = meta.NodeFields.Select(f => f switch
        {
            "type" => FieldRole.Type,
            "name" => FieldRole.Name,
            "id" => FieldRole.Id,
            "self_size" => FieldRole.SelfSize,
            "edge_count" => FieldRole.EdgeCount,
            "trace_node_id" => FieldRole.TraceNodeId,
            "detachedness" => FieldRole.Detachedness,
            _ => FieldRole.Ignore,
        }).ToArray();
        var edgeRoles = meta.EdgeFields.Select(f => f switch
        {
            "type" => FieldRole.Type,
            "name_or_index" => FieldRole.EdgeNameOrIndex,
            "to_node" => FieldRole.EdgeTarget,
            _ => FieldRole.Ignore,
        }).ToArray();
        return (new HeapSnapshot(meta, meta.DeclaredNodeCount, meta.DeclaredEdgeCount), nodeRoles, edgeRoles);
    }

    private sealed class HeaderException(string message, bool unsupported) : Exception(message)
    {
        public bool Unsupported { get; } = unsupported;
    }

    private static SnapshotMeta ParseMeta(JsonElement header, SnapshotLimits limits)
    {
        if (header.ValueKind != JsonValueKind.Object) throw new HeaderException("the 'snapshot' header is not an object", false);
        if (!header.TryGetProperty("meta", out var meta) || meta.ValueKind != JsonValueKind.Object)
            throw new HeaderException("the 'snapshot' header has no 'meta' object", false);

        string[] nodeFields = StringArray(meta, "node_fields");
        string[] edgeFields = StringArray(meta, "edge_fields");
        string[] locationFields = meta.TryGetProperty("location_fields", out _) ? StringArray(meta, "location_fields") : [];
        string[] traceFunctionFields = meta.TryGetProperty("trace_function_info_fields", out _) ? StringArray(meta, "trace_function_info_fields") : [];
        string[] traceNodeFields = meta.TryGetProperty("trace_node_fields", out _) ? StringArray(meta, "trace_node_fields") : [];
        if (traceFunctionFields.Length > limits.MaxFieldCount || traceNodeFields.Length > limits.MaxFieldCount)
            throw new HeaderException($"meta declares more than {limits.MaxFieldCount} fields per trace function or trace node", true);
        foreach (var required in new[] { "type", "name", "id", "self_size", "edge_count" })
            if (Array.IndexOf(nodeFields, required) < 0)
                throw new HeaderException($"unsupported snapshot version: meta.node_fields has no '{required}' (fields: {string.Join(", ", nodeFields)})", true);
        foreach (var required in new[] { "type", "name_or_index", "to_node" })
            if (Array.IndexOf(edgeFields, required) < 0)
                throw new HeaderException($"unsupported snapshot version: meta.edge_fields has no '{required}' (fields: {string.Join(", ", edgeFields)})", true);
        if (nodeFields.Length > limits.MaxFieldCount || edgeFields.Length > limits.MaxFieldCount)
            throw new HeaderException($"meta declares more than {limits.MaxFieldCount} fields per node or edge", true);
        if (locationFields.Length > 0)
            foreach (var required in new[] { "object_index", "script_id", "line", "column" })
                if (Array.IndexOf(locationFields, required) < 0)
                    throw new HeaderException($"unsupported snapshot version: meta.location_fields has no '{required}'", true);

        string[] nodeTypes = TypeNames(meta, "node_types", Array.IndexOf(nodeFields, "type"));
        string[] edgeTypes = TypeNames(meta, "edge_types", Array.IndexOf(edgeFields, "type"));

        long nodeCount = Count(header, "node_count", required: true);
        long edgeCount = Count(header, "edge_count", required: true);
        if (nodeCount > limits.MaxNodeCount) throw new HeaderException($"node_count {nodeCount:N0} exceeds the limit of {limits.MaxNodeCount:N0}", true);
        if (edgeCount > limits.MaxEdgeCount) throw new HeaderException($"edge_count {edgeCount:N0} exceeds the limit of {limits.MaxEdgeCount:N0}", true);
        return new SnapshotMeta
        {
            NodeFields = nodeFields,
            EdgeFields = edgeFields,
            LocationFields = locationFields,
            TraceFunctionInfoFields = traceFunctionFields,
            TraceNodeFields = traceNodeFields,
            NodeTypes = nodeTypes,
            EdgeTypes = edgeTypes,
            DeclaredNodeCount = (int)nodeCount,
            DeclaredEdgeCount = (int)edgeCount,
            TraceFunctionCount = (int)Math.Min(int.MaxValue, Count(header, "trace_function_count", required: false)),
            RootIndex = (int)Math.Min(int.MaxValue, Count(header, "root_index", required: false)),
            ExtraNativeBytes = Count(header, "extra_native_bytes", required: false),
        };
    }

    private static string[] StringArray(JsonElement meta, string name)
    {
        if (!meta.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
            throw new HeaderException($"meta has no '{name}' array", false);
        var result = new string[array.GetArrayLength()];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw new HeaderException($"meta.{name}[{i}] is not a string", false);
            result[i++] = item.GetString()!;
        }
        return result;
    }

    /// <summary>The type names of the field at <paramref name="typeField"/>: <c>meta.node_types[typeField]</c>.</summary>
    private static string[] TypeNames(JsonElement meta, string name, int typeField)
    {
        if (!meta.TryGetProperty(name, out var types) || types.ValueKind != JsonValueKind.Array || types.GetArrayLength() <= typeField)
            throw new HeaderException($"meta has no '{name}' list for the 'type' field", false);
        var list = types[typeField];
        if (list.ValueKind != JsonValueKind.Array) throw new HeaderException($"meta.{name}[{typeField}] is not a list of type names", false);
        return list.EnumerateArray().Select(t => t.ValueKind == JsonValueKind.String ? t.GetString()! : "unknown").ToArray();
    }

    private static long Count(JsonElement header, string name, bool required)
    {
        if (!header.TryGetProperty(name, out var value))
        {
            if (required) throw new HeaderException($"the 'snapshot' header has no '{name}'", false);
            return 0;
        }
        // edge_count is sometimes written as a double ("1.23e+06").
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || d < 0 || d != Math.Floor(d) || d > long.MaxValue)
            throw new HeaderException($"the header's '{name}' is not a non-negative integer", false);
        return (long)d;
    }

    internal static StringTable ReadStrings(ByteReader reader, SnapshotLimits limits, MappedFile? file)
    {
        var builder = new StringTableBuilder(file);
        reader.Expect((byte)'[', "to open 'strings'");
        if (reader.PeekToken() == ']')
        {
            reader.Pos++;
            return builder.Build();
        }
        while (true)
        {
            int b = reader.PeekToken();
            if (b != '"')
            {
                if (b < 0) reader.Fail($"the file ends inside 'strings' after {builder.Count:N0} strings");
                reader.Fail($"expected a string in 'strings' at element {builder.Count:N0}, found {ByteReader.Describe(b)}");
            }
            if (builder.Count >= limits.MaxStringCount) reader.Fail($"more than {limits.MaxStringCount:N0} strings");
            reader.Pos++;
            builder.BeginString(reader.Offset);
            while (true)
            {
                if (reader.Pos == reader.Len && reader.Ensure(1) == 0)
                    reader.Fail($"the file ends inside string {builder.Count:N0}");
                var span = reader.Buffer.AsSpan(reader.Pos, reader.Len - reader.Pos);
                int stop = span.IndexOfAny((byte)'"', (byte)'\\');
                if (stop < 0)
                {
                    builder.Append(span);
                    reader.Pos = reader.Len;
                    continue;
                }
                builder.Append(span[..stop]);
                reader.Pos += stop + 1;
                if (span[stop] == '"') break;
                // A constant context: building a message per escape would cost more than the escape itself.
                builder.AppendCodePoint(reader.ReadEscape("in 'strings'"));
            }
            builder.EndString();
            int next = reader.PeekToken();
            if (next == ',') { reader.Pos++; continue; }
            if (next == ']') { reader.Pos++; break; }
            if (next < 0) reader.Fail($"the file ends inside 'strings' after {builder.Count:N0} strings");
            reader.Fail($"expected ',' or ']' in 'strings' after element {builder.Count - 1:N0}, found {ByteReader.Describe(next)}");
        }
        return builder.Build();
    }

    private static void ValidateStringIndexes(HeapSnapshot snapshot, long nodesEnd, long edgesEnd)
    {
        int stringCount = snapshot.Strings.Count;
        var names = snapshot.NodeNames;
        int i = FirstFound(names.Length, (from, to) =>
        {
            for (int k = from; k < to; k++)
                if (unchecked((uint)names[k]) >= (uint)stringCount) return k;
            return -1;
        });
        if (i >= 0) throw new SnapshotFormatException($"node {i:N0} names string {names[i]:N0}, but there are only {stringCount:N0} strings", nodesEnd);
        int element = snapshot.Meta.EdgeType("element"), hidden = snapshot.Meta.EdgeType("hidden");
        var types = snapshot.EdgeTypes;
        var edgeNames = snapshot.EdgeNames;
        int e = FirstFound(edgeNames.Length, (from, to) =>
        {
            for (int k = from; k < to; k++)
            {
                int t = types[k];
                if (t != element && t != hidden && unchecked((uint)edgeNames[k]) >= (uint)stringCount) return k;
            }
            return -1;
        });
        if (e >= 0) throw new SnapshotFormatException($"edge {e:N0} names string {edgeNames[e]:N0}, but there are only {stringCount:N0} strings", edgesEnd);
    }

    /// <summary>
    /// The lowest index in 0 .. <paramref name="count"/> that <paramref name="firstIn"/> finds in its range, or -1:
    /// ranges of a million checked on every core, so the first in file order is the one reported.
    /// </summary>
    private static int FirstFound(int count, Func<int, int, int> firstIn)
    {
        const int Range = 1 << 20;
        var found = new int[(count + Range - 1) / Range];
        Parallel.For(0, found.Length, r => found[r] = firstIn(r * Range, (int)Math.Min(count, (long)(r + 1) * Range)));
        foreach (int at in found)
            if (at >= 0) return at;
        return -1;
    }

    private static SourceLocations BuildLocations(HeapSnapshot snapshot, IntListSink raw, long offset)
    {
        var fields = snapshot.Meta.LocationFields;
        if (fields.Length == 0) return SourceLocations.Empty;
        if (raw.Count % fields.Length != 0)
            throw new SnapshotFormatException($"'locations' has {raw.Count:N0} elements, not a multiple of {fields.Length} fields", offset);
        int objectIndex = Array.IndexOf(fields, "object_index"), script = Array.IndexOf(fields, "script_id");
        int line = Array.IndexOf(fields, "line"), column = Array.IndexOf(fields, "column");
        int count = raw.Count / fields.Length;
        var ordinals = new int[count];
        var locations = new SourceLocation[count];
        int nodeFieldCount = snapshot.Meta.NodeFieldCount;
        for (int i = 0; i < count; i++)
        {
            int b = i * fields.Length;
            int nodeOffset = raw.Values[b + objectIndex];
            if (nodeOffset % nodeFieldCount != 0 || nodeOffset / nodeFieldCount >= snapshot.NodeCount)
                throw new SnapshotFormatException($"location {i:N0} points at {nodeOffset}, which is not a node offset", offset);
            ordinals[i] = nodeOffset / nodeFieldCount;
            locations[i] = new SourceLocation(raw.Values[b + script], raw.Values[b + line], raw.Values[b + column]);
        }
        return SourceLocations.SortedByOrdinal(ordinals, locations, snapshot.NodeCount);
    }
}
