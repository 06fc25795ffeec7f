namespace Heapdog.Monitoring.Store;

/// <summary>Bucketed samples: <see cref="Values"/>[c][i] is point i of <see cref="DashboardStore.SeriesColumns"/>[c].</summary>
public sealed record SampleSeries(long ProcessId, long FromMs, long ToMs, long StepMs, IReadOnlyList<long> Times, IReadOnlyList<double?>[] Values);
