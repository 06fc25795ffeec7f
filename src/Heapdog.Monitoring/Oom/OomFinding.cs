using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Oom;

/// <summary>An OOM event tied to what the store knows: the watched process it hit (same pid, alive at that time), its
/// last samples before the death, its verdict from those samples, and snapshots recorded near the death.</summary>
public sealed record OomFinding(OomEvent Event, WatchedProcess? Process, IReadOnlyList<Sample> LastSamples, Verdict? Verdict, IReadOnlyList<StoredEvent> Snapshots);
