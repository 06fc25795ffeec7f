using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks;

/// <summary>
/// Snapshots of one process, oldest first, streamed one at a time into a <see cref="LeakDetector"/>: each is checked
/// against the one before (<see cref="Comparability"/>: matched by ids or by paths, or refused) before it is taken, and of each only the digest and
/// collection census are kept, plus the full analysis of the last one. So a caller holds one full graph at a time:
/// load a snapshot, <see cref="Add"/> it, drop it, load the next.
/// </summary>
public sealed class LeakSeries
{
    private readonly LeakDetector _detector;
    private readonly List<string> _labels = [];
    private SnapshotDigest? _previous;
    private bool _complete;

    /// <summary>A series that keeps each earlier snapshot's collections by path as it is added.</summary>
    public LeakSeries()
        : this(deferPathCensuses: false)
    {
    }

    /// <summary>
    /// With <paramref name="deferPathCensuses"/>, an earlier snapshot's collections by path are made only when the next
    /// snapshot does not share its ids (saves a breadth-first search per snapshot when all do), so each graph is kept
    /// until the next one is added; <see cref="Add"/> may then return false (see <see cref="LeakDetector(bool)"/>).
    /// </summary>
    public LeakSeries(bool deferPathCensuses) => _detector = new LeakDetector(deferPathCensuses);

    /// <summary>Snapshots added so far.</summary>
    public int Count => _labels.Count;

    /// <summary>The labels given to <see cref="Add"/>, in order.</summary>
    public IReadOnlyList<string> Labels => _labels;

    /// <summary>How the snapshots added so far are matched: by paths once any two do not share their ids.</summary>
    public SnapshotMatching Matching => _detector.Matching;

    /// <summary>True once the last snapshot (with its graph) is in: <see cref="Detect"/> may run.</summary>
    public bool IsComplete => _complete;

    /// <summary>The one full analysis the series keeps: the last snapshot's once it is added, null before.</summary>
    internal SnapshotAnalysis? RetainedAnalysis => _detector.LastAnalysis;

    /// <summary>
    /// Adds the next snapshot (older ones first). <paramref name="label"/> names it in errors (a file name, a
    /// snapshot id). Its <paramref name="analysis"/> is kept only when <paramref name="isLast"/>; earlier ones may be
    /// released as soon as this returns (deferred: once the next one is added). Returns false, adding nothing, when the
    /// series defers path censuses and this snapshot, not sharing the ids of the one before, needs the census of a
    /// snapshot already released: start again with a series that does not defer them.
    /// </summary>
    /// <exception cref="SnapshotsNotComparableException">It cannot be compared with the snapshot added before it.</exception>
    /// <exception cref="InvalidOperationException">The last snapshot was added already.</exception>
    public bool Add(SnapshotAnalysis analysis, SnapshotDigest digest, string label, bool isLast)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(label);
        if (_complete) throw new InvalidOperationException($"snapshot {label} comes after the last one ({_labels[^1]})");
        var matching = SnapshotMatching.Ids;
        if (_previous is not null)
        {
            var check = Comparability.Check(_previous, digest);
            if (!check.Comparable) throw new SnapshotsNotComparableException(_labels[^1], label, check.Reason);
            matching = check.Matching;
        }
        if (!_detector.Add(analysis, digest, isLast, matching)) return false;
        _labels.Add(label);
        _previous = digest;
        _complete = isLast;
        return true;
    }

    /// <summary>The leak report over the series.</summary>
    /// <exception cref="InvalidOperationException">Fewer than two snapshots, or the last one not added yet.</exception>
    public LeakReport Detect(CancellationToken cancellation = default)
    {
        if (_labels.Count < 2 || !_complete)
            throw new InvalidOperationException("leak detection needs at least two snapshots, the last one added with isLast");
        return _detector.Detect(cancellation);
    }
}
