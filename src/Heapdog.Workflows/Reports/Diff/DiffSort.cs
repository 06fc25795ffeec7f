namespace Heapdog.Workflows.Reports.Diff;

/// <summary>The Comparison column to sort by, largest change first (name sorts A→Z).</summary>
public enum DiffSort { SizeDelta, CountDelta, New, Deleted, Alloc, Freed, Retained, Name }
