using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Reports.Diff;

/// <summary><c>heapdog diff --json</c> and <c>GET /api/snapshots/{id}/compare</c> (docs/diff.md).</summary>
public sealed record DiffResult(int SchemaVersion, string Base, string Target, long BaseTotalSize, long TargetTotalSize, int ClassCount,
    IReadOnlyList<DiffResult.ComparisonRow> Classes, string Matching)
{
    /// <summary>One row of DevTools' Comparison view, plus the change of retained size. With <c>paths</c> matching,
    /// the per-object columns (new, deleted, allocated, freed) are null: unknown.</summary>
    public sealed record ComparisonRow(string ClassKey, string ClassName, long? NewCount, long? DeletedCount, long CountDelta, long? AllocSize,
        long? FreedSize, long SizeDelta, long RetainedSizeDelta);

    /// <summary>Compares <paramref name="target"/> with <paramref name="base"/>: object by object when their ids line up,
    /// else class totals side by side; refuses snapshots of two different programs (or of one session, newer first).</summary>
    public static DiffResult Build(SnapshotDigest @base, SnapshotDigest target, DiffQuery query, string? baseName = null, string? targetName = null)
    {
        if (query.Top < 0) throw new HeapdogException(ErrorKind.BadRequest, "top must be 0 or more");
        var matchedBy = SnapshotComparison.EnsureComparable(@base, target, baseName, targetName);
        var classes = matchedBy == SnapshotMatching.Ids ? SnapshotDiff.Compare(@base, target) : SnapshotDiff.CompareSummaries(@base, target);
        var matching = classes
            .Where(r => query.Filter is null || r.Name.Contains(query.Filter, StringComparison.OrdinalIgnoreCase)).ToList();
        IOrderedEnumerable<ClassDiff> sorted = query.Sort switch
        {
            DiffSort.CountDelta => matching.OrderByDescending(r => Math.Abs(r.CountDelta)),
            DiffSort.New => matching.OrderByDescending(r => r.NewCount),
            DiffSort.Deleted => matching.OrderByDescending(r => r.DeletedCount),
            DiffSort.Alloc => matching.OrderByDescending(r => r.AllocSize),
            DiffSort.Freed => matching.OrderByDescending(r => r.FreedSize),
            DiffSort.Retained => matching.OrderByDescending(r => Math.Abs(r.RetainedSizeDelta)),
            DiffSort.Name => matching.OrderBy(r => r.Name, StringComparer.Ordinal),
            _ => matching.OrderByDescending(r => Math.Abs(r.SizeDelta)),
        };
        var ordered = sorted.ThenBy(r => r.Key, StringComparer.Ordinal);
        var rows = (query.Top > 0 ? ordered.Take(query.Top) : ordered)
            .Select(r => new ComparisonRow(r.Key, r.Name, r.NewCount, r.DeletedCount, r.CountDelta, r.AllocSize, r.FreedSize, r.SizeDelta, r.RetainedSizeDelta))
            .ToList();
        return new DiffResult(1, @base.Source, target.Source, @base.TotalSize, target.TotalSize, matching.Count, rows,
            SnapshotComparison.Name(matchedBy));
    }
}
