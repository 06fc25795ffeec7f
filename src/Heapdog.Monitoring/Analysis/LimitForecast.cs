namespace Heapdog.Monitoring.Analysis;

/// <summary>When a growing process reaches a limit at its current rate. <see cref="Limit"/> is <c>heap</c> (V8's heap
/// size limit), <c>cgroup</c> (the memory cgroup's limit) or <c>host</c> (the host's available memory).</summary>
public sealed record LimitForecast(string Limit, long LimitBytes, long CurrentBytes, double Seconds);
