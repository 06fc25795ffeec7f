using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks;

/// <summary>
/// The outcome of <see cref="LeakDetector"/>: the inputs and the suspects, most severe first. With
/// <see cref="SnapshotMatching.Paths"/> no object can be told new: <see cref="NewObjects"/> and <see cref="NewBytes"/>
/// are then the net growth (last minus first snapshot) the suspects show.
/// </summary>
public sealed record LeakReport(IReadOnlyList<SnapshotInfo> Snapshots, IReadOnlyList<Suspect> Suspects, long NewObjects, long NewBytes)
{
    /// <summary>How the snapshots' objects were matched.</summary>
    public SnapshotMatching Matching { get; init; } = SnapshotMatching.Ids;
}
