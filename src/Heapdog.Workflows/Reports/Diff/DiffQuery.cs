namespace Heapdog.Workflows.Reports.Diff;

/// <summary>What a comparison shows: <paramref name="Top"/> classes (0 = all) sorted by <paramref name="Sort"/>, only
/// those whose name contains <paramref name="Filter"/>.</summary>
public sealed record DiffQuery(int Top = 25, DiffSort Sort = DiffSort.SizeDelta, string? Filter = null);
