namespace Heapdog.Workflows.Reports.Analyze;

/// <summary>The Summary column to sort by, largest first (name sorts A→Z).</summary>
public enum SummarySort { Retained, Shallow, Count, Distance, Name }
