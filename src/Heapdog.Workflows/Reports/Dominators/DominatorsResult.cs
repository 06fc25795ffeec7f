using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Reports.Objects;

namespace Heapdog.Workflows.Reports.Dominators;

/// <summary><c>heapdog dominators --json</c> and <c>GET /api/snapshots/{id}/dominators</c> (docs/dominators.md): the
/// dominator tree from an object, largest retained sizes first.</summary>
public sealed record DominatorsResult(int SchemaVersion, long TotalSize, DominatorsResult.DominatorNode Root)
{
    /// <summary>An object, how many objects it dominates directly, and the largest of them (none below the depth asked).</summary>
    public sealed record DominatorNode(HeapObject Object, int ChildCount, IReadOnlyList<DominatorNode> Children);

    /// <summary>The tree below <paramref name="root"/> (a node ordinal), <paramref name="depth"/> levels deep and
    /// <paramref name="width"/> children wide.</summary>
    public static DominatorsResult Build(SnapshotAnalysis a, int root, int depth, int width)
    {
        if (depth < 1 || width < 1) throw new HeapdogException(ErrorKind.BadRequest, "depth and width must be 1 or more");
        return new DominatorsResult(1, a.TotalSize, Node(a, root, 0, depth, width));
    }

    private static DominatorNode Node(SnapshotAnalysis a, int v, int level, int depth, int width)
    {
        var children = new List<int>();
        for (int i = a.FirstDominated[v]; i < a.FirstDominated[v + 1]; i++) children.Add(a.DominatedNodes[i]);
        children.Sort((x, y) => a.RetainedSizes[y].CompareTo(a.RetainedSizes[x]));
        var shown = level < depth ? children.Take(width).Select(c => Node(a, c, level + 1, depth, width)).ToList() : [];
        return new DominatorNode(HeapObject.Of(a, v), children.Count, shown);
    }
}
