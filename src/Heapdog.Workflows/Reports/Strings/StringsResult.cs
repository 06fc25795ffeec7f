using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Reports.Strings;

/// <summary><c>heapdog strings --json</c> and <c>GET /api/snapshots/{id}/strings</c> (docs/strings.md): texts held
/// more than once, most wasted bytes first.</summary>
public sealed record StringsResult(int SchemaVersion, int DuplicatedCount, long WastedBytes, IReadOnlyList<StringsResult.DuplicatedString> Strings)
{
    /// <summary>One text, its copies, their bytes, and the bytes all copies but one waste.</summary>
    public sealed record DuplicatedString(string Text, long Count, long Bytes, long WastedBytes);

    public static StringsResult Build(SnapshotAnalysis a, int top)
    {
        if (top < 0) throw new HeapdogException(ErrorKind.BadRequest, "top must be 0 or more");
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
        var shown = (top > 0 ? duplicated.Take(top) : duplicated).Select(d => new DuplicatedString(s.Strings[d.Name], d.Count, d.Bytes, d.Wasted)).ToList();
        return new StringsResult(1, duplicated.Count, duplicated.Sum(d => d.Wasted), shown);
    }
}
