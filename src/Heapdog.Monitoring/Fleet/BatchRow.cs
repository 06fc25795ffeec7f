namespace Heapdog.Monitoring.Fleet;

/// <summary>One sample (<see cref="Count"/> 1) or one per-minute rollup of <see cref="Count"/> samples, the figures in the
/// batch's column order; <see cref="TimeMs"/> is the sample's time or the minute's start.</summary>
public sealed record BatchRow(long ProcessId, long TimeMs, int Count, IReadOnlyList<double> Values);
