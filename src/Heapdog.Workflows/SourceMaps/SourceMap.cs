using System.Text.Json;

namespace Heapdog.Workflows.SourceMaps;

/// <summary>
/// A decoded Source Map v3 (https://tc39.es/ecma426/): <c>sources</c>, <c>sourceRoot</c>, <c>names</c>,
/// <c>mappings</c>, and index maps (<c>sections</c>).
/// <para>
/// Positions here are 0-based, as the map stores them: generated line = number of <c>;</c> before the segment,
/// columns counted in UTF-16 code units. V8 heap snapshot locations are 0-based too; <see cref="Heapdog.Leaks.CodeLocation"/>
/// and the sampling profiler's sites are 1-based, so callers subtract 1 on the way in and add 1 on the way out.
/// </para>
/// <para>
/// Layout: segments sorted by generated line, then column, as parallel int arrays (5 × 4 bytes per segment);
/// <c>_lineStart[l]</c> is the first segment of generated line l. Every source and name index is checked while
/// decoding, so lookups trust them.
/// </para>
/// </summary>
public sealed class SourceMap
{
    private readonly int[] _lineStart = [0];
    private readonly int[] _column = [], _source = [], _originalLine = [], _originalColumn = [], _name = [];
    private readonly string[] _sources = [], _names = [];
    private readonly (int Line, int Column, SourceMap Map)[] _sections = [];

    /// <summary>What a generated position maps to: a source (resolved against <c>sourceRoot</c>), 0-based line and
    /// column, and the original name when the map gives one.</summary>
    public readonly record struct Original(string Source, int Line, int Column, string? Name);

    private SourceMap(string[] sources, string[] names, List<int> lineStart, List<int>[] segments)
    {
        _sources = sources;
        _names = names;
        _lineStart = [.. lineStart];
        (_column, _source, _originalLine, _originalColumn, _name) = ([.. segments[0]], [.. segments[1]], [.. segments[2]], [.. segments[3]], [.. segments[4]]);
    }

    private SourceMap((int, int, SourceMap)[] sections) => _sections = sections;

    /// <summary>Parses a map; anything malformed is a <see cref="SourceMapException"/> saying what and where.
    /// <paramref name="resolveSource"/> turns each source (already joined with <c>sourceRoot</c>) into what reports show.</summary>
    public static SourceMap Parse(ReadOnlySpan<byte> json, Func<string, string>? resolveSource = null)
    {
        if (json.Length > SourceMapLimits.MaxMapBytes)
            throw new SourceMapException($"source map is {json.Length:N0} bytes, over the {SourceMapLimits.MaxMapBytes:N0}-byte limit");
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 16 });
            using var document = JsonDocument.ParseValue(ref reader);
            return Parse(document.RootElement, nested: false, resolveSource ?? (x => x));
        }
        catch (JsonException e)
        {
            throw new SourceMapException($"source map is not valid JSON: {e.Message}");
        }
        catch (OverflowException)
        {
            throw new SourceMapException("source map's mappings add up past the largest line or column");
        }
    }

    private static SourceMap Parse(JsonElement root, bool nested, Func<string, string> resolveSource)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new SourceMapException("source map is not a JSON object");
        if (!root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number || version.GetDouble() != 3)
            throw new SourceMapException("source map is not version 3");
        if (root.TryGetProperty("sections", out var sections)) return ParseSections(sections, nested, resolveSource);

        string sourceRoot = root.TryGetProperty("sourceRoot", out var sr) && sr.ValueKind == JsonValueKind.String ? sr.GetString()! : "";
        var sources = Strings(root, "sources", required: true).Select(s => resolveSource(WithRoot(sourceRoot, s ?? ""))).ToArray();
        var names = Strings(root, "names", required: false).Select(n => n ?? "").ToArray();
        if (!root.TryGetProperty("mappings", out var m) || m.ValueKind != JsonValueKind.String)
            throw new SourceMapException("source map has no 'mappings' string");
        return Decode(m.GetString()!, sources, names);
    }

    // The spec joins sourceRoot and source as URLs; a plain concatenation with one '/' is what tools write and read.
    private static string WithRoot(string sourceRoot, string source) =>
        sourceRoot.Length == 0 || source.StartsWith('/') || source.Contains("://", StringComparison.Ordinal) ? source
        : sourceRoot.EndsWith('/') ? sourceRoot + source : sourceRoot + "/" + source;

    private static List<string?> Strings(JsonElement root, string property, bool required)
    {
        var list = new List<string?>();
        if (!root.TryGetProperty(property, out var array))
            return required ? throw new SourceMapException($"source map has no '{property}'") : list;
        if (array.ValueKind != JsonValueKind.Array) throw new SourceMapException($"source map's '{property}' is not an array");
        foreach (var item in array.EnumerateArray())
            list.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString(),
                JsonValueKind.Null => null,
                _ => throw new SourceMapException($"source map's '{property}' holds a {item.ValueKind}, not a string"),
            });
        return list;
    }

    private static SourceMap ParseSections(JsonElement sections, bool nested, Func<string, string> resolveSource)
    {
        if (nested) throw new SourceMapException("index map section is itself an index map");
        if (sections.ValueKind != JsonValueKind.Array) throw new SourceMapException("source map's 'sections' is not an array");
        if (sections.GetArrayLength() > SourceMapLimits.MaxSections)
            throw new SourceMapException($"index map has {sections.GetArrayLength():N0} sections, over the {SourceMapLimits.MaxSections:N0} limit");
        var parts = new List<(int, int, SourceMap)>();
        foreach (var section in sections.EnumerateArray())
        {
            if (section.ValueKind != JsonValueKind.Object
                || !section.TryGetProperty("offset", out var offset) || offset.ValueKind != JsonValueKind.Object
                || !offset.TryGetProperty("line", out var l) || !l.TryGetInt32(out int line) || line < 0
                || !offset.TryGetProperty("column", out var c) || !c.TryGetInt32(out int column) || column < 0)
                throw new SourceMapException("index map section has no valid 'offset' {line, column}");
            if (!section.TryGetProperty("map", out var map)) throw new SourceMapException("index map section has no inline 'map' (a 'url' section is not followed)");
            if (parts.Count > 0 && (parts[^1].Item1, parts[^1].Item2).CompareTo((line, column)) >= 0)
                throw new SourceMapException("index map sections are not in order");
            parts.Add((line, column, Parse(map, nested: true, resolveSource)));
        }
        return new SourceMap([.. parts]);
    }

    /// <summary>Decodes <c>mappings</c>: lines split by <c>;</c>, segments by <c>,</c>, each 1, 4 or 5 base64 VLQ
    /// fields; the generated column restarts at each line, every other field is relative to the previous segment's.</summary>
    internal static SourceMap Decode(string mappings, string[] sources, string[] names)
    {
        var lineStart = new List<int> { 0 };
        var segments = new List<int>[5];
        for (int k = 0; k < 5; k++) segments[k] = [];
        var fields = new int[5];
        int column = 0, source = 0, originalLine = 0, originalColumn = 0, name = 0;
        int i = 0, line = 0;
        bool sorted = true;
        while (i < mappings.Length)
        {
            char ch = mappings[i];
            if (ch == ';')
            {
                if (!sorted) SortLine(segments, lineStart[^1]);
                if (lineStart.Count > SourceMapLimits.MaxSegments) throw new SourceMapException($"source map has over {SourceMapLimits.MaxSegments:N0} generated lines");
                lineStart.Add(segments[0].Count); line++; column = 0; i++; sorted = true;
                continue;
            }
            if (ch == ',') { i++; continue; }
            int count = 0;
            while (i < mappings.Length && mappings[i] is not (',' or ';'))
            {
                if (count == 5) throw new SourceMapException($"mapping segment on generated line {line + 1} has more than 5 fields (character {i:N0})");
                fields[count++] = ReadVlq(mappings, ref i);
            }
            if (count is not (1 or 4 or 5)) throw new SourceMapException($"mapping segment on generated line {line + 1} has {count} fields, not 1, 4 or 5 (character {i:N0})");
            column = checked(column + fields[0]);
            if (column < 0) throw new SourceMapException($"mapping on generated line {line + 1} has a negative column");
            if (count > 1)
            {
                source = checked(source + fields[1]);
                originalLine = checked(originalLine + fields[2]);
                originalColumn = checked(originalColumn + fields[3]);
                if (count == 5) name = checked(name + fields[4]);
                if ((uint)source >= (uint)sources.Length)
                    throw new SourceMapException($"mapping on generated line {line + 1} names source {source}, but the map has {sources.Length}");
                if (count == 5 && (uint)name >= (uint)names.Length)
                    throw new SourceMapException($"mapping on generated line {line + 1} names name {name}, but the map has {names.Length}");
                if (originalLine < 0 || originalColumn < 0)
                    throw new SourceMapException($"mapping on generated line {line + 1} has a negative original position");
            }
            if (segments[0].Count == SourceMapLimits.MaxSegments)
                throw new SourceMapException($"source map has over {SourceMapLimits.MaxSegments:N0} mappings");
            // Generators write each line's segments by column; if one does not, the binary search needs them sorted.
            int start = lineStart[^1];
            if (segments[0].Count > start && segments[0][^1] > column) sorted = false;
            // A 1-field segment is stored with source -1: the code from its column on maps to nothing.
            segments[0].Add(column); segments[1].Add(count > 1 ? source : -1); segments[2].Add(originalLine); segments[3].Add(originalColumn);
            segments[4].Add(count == 5 ? name : -1);
        }
        if (!sorted) SortLine(segments, lineStart[^1]);
        lineStart.Add(segments[0].Count);
        return new SourceMap(sources, names, lineStart, segments);
    }

    private static void SortLine(List<int>[] segments, int start)
    {
        int n = segments[0].Count - start;
        var order = Enumerable.Range(start, n).OrderBy(k => segments[0][k]).ToArray();
        for (int f = 0; f < 5; f++)
        {
            var copy = order.Select(k => segments[f][k]).ToArray();
            for (int k = 0; k < n; k++) segments[f][start + k] = copy[k];
        }
    }

    /// <summary>One base64 VLQ: 5 bits a digit, least significant first, bit 6 says more follow; the lowest bit of
    /// the value is its sign.</summary>
    internal static int ReadVlq(string text, ref int i)
    {
        long value = 0;
        int shift = 0;
        while (true)
        {
            if (i >= text.Length) throw new SourceMapException($"mappings end inside a VLQ number (character {i:N0})");
            int digit = Base64(text[i]);
            if (digit < 0) throw new SourceMapException($"mappings hold '{text[i]}', not a base64 digit (character {i:N0})");
            i++;
            if (shift > 30) throw new SourceMapException($"VLQ number too large (character {i - 1:N0})");
            value |= (long)(digit & 31) << shift;
            shift += 5;
            if ((digit & 32) == 0) break;
        }
        long magnitude = value >> 1;
        if (magnitude > int.MaxValue) throw new SourceMapException($"VLQ number too large (character {i - 1:N0})");
        return (value & 1) != 0 ? -(int)magnitude : (int)magnitude;
    }

    private static int Base64(char c) => c switch
    {
        >= 'A' and <= 'Z' => c - 'A',
        >= 'a' and <= 'z' => c - 'a' + 26,
        >= '0' and <= '9' => c - '0' + 52,
        '+' => 62,
        '/' => 63,
        _ => -1,
    };

    /// <summary>The original of the 0-based generated (<paramref name="line"/>, <paramref name="column"/>): the last
    /// mapping on that line at or before the column (a mapping covers the code up to the next one), or null.</summary>
    public Original? Find(int line, int column)
    {
        if (_sections.Length > 0)
        {
            // The last section starting at or before the position; columns of a section's first line are offset.
            for (int s = _sections.Length - 1; s >= 0; s--)
            {
                var (sl, sc, map) = _sections[s];
                if (line > sl || (line == sl && column >= sc))
                    return map.Find(line - sl, line == sl ? column - sc : column);
            }
            return null;
        }
        if (line < 0 || column < 0 || line >= _lineStart.Length - 1) return null;
        int lo = _lineStart[line], hi = _lineStart[line + 1] - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_column[mid] <= column) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        if (found < 0 || _source[found] < 0) return null;
        return new Original(_sources[_source[found]], _originalLine[found], _originalColumn[found], _name[found] >= 0 ? _names[_name[found]] : null);
    }
}
