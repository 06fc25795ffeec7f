namespace Heapdog.Monitoring.Store;

/// <summary>Something that happened to a watched process (a snapshot taken, a hook run, a verdict changed).
/// <see cref="Detail"/> is a JSON object.</summary>
public sealed record StoredEvent(long Id, long? ProcessId, long TimeMs, string Kind, string Detail);
