namespace Heapdog.Workflows.Reports.Analyze;

/// <summary>What an analysis report shows: <paramref name="Top"/> classes (0 = all) sorted by <paramref name="Sort"/>,
/// only those whose name contains <paramref name="Filter"/>, and the <paramref name="Objects"/> largest objects.</summary>
public sealed record AnalyzeQuery(int Top = 25, SummarySort Sort = SummarySort.Retained, string? Filter = null, int Objects = 10);
