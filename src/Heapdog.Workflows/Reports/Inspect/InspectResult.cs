using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Snapshots;
using Heapdog.Workflows.SourceMaps;
using System.Text.Json.Serialization;

namespace Heapdog.Workflows.Reports.Inspect;

/// <summary><c>heapdog inspect --json</c> and <c>GET /api/snapshots/{id}/objects/{nodeId}</c> (docs/inspect.md): one
/// object, its outgoing edges, its retainers and its dominator chain (nearest first).</summary>
public sealed record InspectResult(int SchemaVersion, HeapObject Object, string? Location, int EdgeCount, IReadOnlyList<InspectResult.EdgeRow> Edges,
    int RetainerCount, IReadOnlyList<InspectResult.RetainerRow> Retainers, IReadOnlyList<HeapObject> Dominators,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OriginalLocation? Original = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SourceMapNote = null)
{
    public sealed record EdgeRow(string EdgeType, string Edge, HeapObject To);

    public sealed record RetainerRow(string EdgeType, string Edge, HeapObject From);

    /// <summary>The object <paramref name="idText"/> (<c>@123</c> or <c>123</c>) of <paramref name="file"/>, with at most
    /// <paramref name="limit"/> edges and retainers (0 = all); its location is mapped through <paramref name="maps"/>
    /// (default: source maps read from this machine's files).</summary>
    public static InspectResult Build(SnapshotAnalysis a, string file, string idText, int limit, SourceMapResolver? maps = null)
    {
        if (limit < 0) throw new HeapdogException(ErrorKind.BadRequest, "limit must be 0 or more");
        int v = ObjectId.Resolve(a, idText, file);
        var s = a.Snapshot;
        int edgeCount = s.EdgeCountOf(v), retainerCount = a.Retainers.CountOf(v);
        int shownEdges = limit > 0 ? Math.Min(limit, edgeCount) : edgeCount;
        int shownRetainers = limit > 0 ? Math.Min(limit, retainerCount) : retainerCount;
        var edges = new List<EdgeRow>(shownEdges);
        for (int e = s.FirstEdge[v]; e < s.FirstEdge[v] + shownEdges; e++)
        {
            var edge = HeapEdge.Of(a, e);
            edges.Add(new EdgeRow(edge.EdgeType, edge.Edge, HeapObject.Of(a, s.EdgeTargets[e])));
        }
        var retainers = new List<RetainerRow>(shownRetainers);
        for (int i = a.Retainers.First[v]; i < a.Retainers.First[v] + shownRetainers; i++)
        {
            var edge = HeapEdge.Of(a, a.Retainers.EdgeOf(s, v, i));
            retainers.Add(new RetainerRow(edge.EdgeType, edge.Edge, HeapObject.Of(a, a.Retainers.Nodes[i])));
        }
        var chain = new List<HeapObject>();
        for (int d = a.Dominators[v], guard = 0; guard < 100_000; d = a.Dominators[d], guard++)
        {
            chain.Add(HeapObject.Of(a, d));
            if (d == a.RootOrdinal || a.Dominators[d] == d) break;
        }
        var scripts = ScriptNames.Build(s);
        string? location = null;
        var mapped = SourceMapped.None;
        if (s.Locations.TryGet(v, out var l))
        {
            // Snapshot positions are 0-based; reports and source map lookups here are 1-based.
            string? script = scripts.NameOf(l.ScriptId);
            location = $"{script ?? $"script {l.ScriptId}"}:{l.Line + 1}:{l.Column + 1}";
            if (script is not null) mapped = (maps ?? new SourceMapResolver()).Map(script, l.Line + 1, l.Column + 1);
        }
        return new InspectResult(1, HeapObject.Of(a, v), location, edgeCount, edges, retainerCount, retainers, chain, mapped.Original, mapped.Note);
    }
}
