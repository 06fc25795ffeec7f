using System.Text.Json.Serialization;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Paths;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Reports.Paths;

/// <summary><c>heapdog paths --json</c> and <c>GET /api/snapshots/{id}/objects/{nodeId}/paths</c> (docs/paths.md): the
/// shortest retainer paths from the GC roots to an object, root first.</summary>
public sealed record PathsResult(int SchemaVersion, HeapObject Object, IReadOnlyList<uint> Ignored, IReadOnlyList<PathsResult.RetainerPathRow> Paths)
{
    /// <summary>One path; <see cref="Length"/> counts its links (edges).</summary>
    public sealed record RetainerPathRow(int Length, IReadOnlyList<RetainerPathLink> Links);

    /// <summary>One step: the edge from the previous object (absent on the first step) and the object it reaches.</summary>
    public sealed record RetainerPathLink(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EdgeType,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Edge,
        HeapObject Object);

    /// <summary>Up to <paramref name="k"/> paths, each through a different direct retainer, cutting out the objects in
    /// <paramref name="ignore"/> (DevTools' "ignore this retainer").</summary>
    public static PathsResult Build(SnapshotAnalysis a, string file, string idText, int k, IReadOnlyList<string> ignore, CancellationToken cancellation)
    {
        if (k < 1) throw new HeapdogException(ErrorKind.BadRequest, "k must be 1 or more");
        int v = ObjectId.Resolve(a, idText, file);
        var ignored = ignore.Select(i => ObjectId.Resolve(a, i, file)).ToHashSet();
        if (ignored.Contains(v)) throw new HeapdogException(ErrorKind.BadRequest, "the object itself cannot be ignored");
        var shortest = ShortestPaths.Compute(a.Snapshot, ignored, cancellation);
        var paths = shortest.PathsThroughRetainers(v, k, a.Retainers).Select(path => new RetainerPathRow(path.Count - 1, path.Select(step =>
        {
            var edge = step.Edge >= 0 ? HeapEdge.Of(a, step.Edge) : (HeapEdge?)null;
            return new RetainerPathLink(edge?.EdgeType, edge?.Edge, HeapObject.Of(a, step.Node));
        }).ToList())).ToList();
        return new PathsResult(1, HeapObject.Of(a, v), ignored.Select(i => a.Snapshot.NodeIds[i]).ToList(), paths);
    }
}
