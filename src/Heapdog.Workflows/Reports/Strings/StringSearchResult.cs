using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Reports.Objects;

namespace Heapdog.Workflows.Reports.Strings;

/// <summary>String objects whose text contains <c>text</c>, largest retained first: a value seen in a log, found in
/// the heap, with ids to follow to what holds it. <see cref="Count"/> counts them all.</summary>
public sealed record StringSearchResult(int SchemaVersion, string Text, int Count, IReadOnlyList<HeapObject> Objects)
{
    public static StringSearchResult Build(SnapshotAnalysis a, string text, int limit)
    {
        if (text.Length == 0) throw new HeapdogException(ErrorKind.BadRequest, "text must not be empty");
        if (limit < 1) throw new HeapdogException(ErrorKind.BadRequest, "limit must be 1 or more");
        var s = a.Snapshot;
        // Strings are interned in the string table: test each distinct text once, on its UTF-8 bytes (no decoding).
        byte[] needle = System.Text.Encoding.UTF8.GetBytes(text);
        var matches = new bool[s.Strings.Count];
        for (int i = 0; i < matches.Length; i++) matches[i] = s.Strings.Utf8(i).IndexOf(needle) >= 0;
        int[] types = [s.Meta.NodeType("string"), s.Meta.NodeType("concatenated string"), s.Meta.NodeType("sliced string")];
        var found = new List<int>();
        for (int v = 0; v < s.NodeCount; v++)
            if (Array.IndexOf(types, (int)s.NodeTypes[v]) >= 0 && matches[s.NodeNames[v]]) found.Add(v);
        found.Sort((x, y) => a.RetainedSizes[y].CompareTo(a.RetainedSizes[x]));
        return new StringSearchResult(1, text, found.Count, [.. found.Take(limit).Select(v => HeapObject.Of(a, v))]);
    }
}
