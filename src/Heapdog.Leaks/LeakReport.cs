namespace Heapdog.Leaks;

/// <summary>The outcome of <see cref="LeakDetector"/>: the inputs and the suspects, most severe first.</summary>
public sealed record LeakReport(IReadOnlyList<SnapshotInfo> Snapshots, IReadOnlyList<Suspect> Suspects, long NewObjects, long NewBytes);
