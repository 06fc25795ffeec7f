using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;
using Heapdog.Snapshot.Paths;

namespace Heapdog.Leaks;

/// <summary>
/// Finds leak suspects in snapshots of one process taken in time order. Snapshots are added one at a time; of each
/// only its digest and collection census are kept, and the full graph of the last one only.
/// <para>
/// memlab's id algebra gives the leaked set: objects new since the first snapshot and alive in the last (and in the
/// one before, when there are three or more). Each is walked up its retainer path (the cheapest by memlab-like edge
/// weights, <see cref="ShortestPaths.ComputePreferred"/>) to the first object that already existed in the first
/// snapshot: the accumulation point. Objects are grouped by accumulation point (and by
/// the class of the first new object when only GC roots hold them); points with the same path shape are merged. A
/// group is a suspect when its accumulation point grows across the snapshots (entries, or retained size); the
/// shape of the point and of its members names the kind. Classes that grow without such a point are reported too.
/// </para>
/// <para>
/// The steps, one file each: grouping (<c>LeakDetector.Grouping.cs</c>), growth series across snapshots
/// (<c>.Growth.cs</c>), the kind of each group (<c>.Kinds.cs</c>), code location (<c>.Location.cs</c>), names and
/// paths (<c>.Naming.cs</c>), merging points of one shape (<c>.Merging.cs</c>), runtime suspects merged into the
/// application owner that holds them (<c>.Owners.cs</c>) and classes that grow on their own (<c>.Classes.cs</c>). Every threshold is in <see cref="LeakThresholds"/>.
/// </para>
/// <para>
/// Snapshots whose ids do not line up (<see cref="SnapshotMatching.Paths"/>: separate inspector sessions, a restart)
/// cannot give a leaked set; collections are matched by their path from the roots instead (<c>.Paths.cs</c>).
/// </para>
/// </summary>
public sealed partial class LeakDetector
{
    private readonly List<SnapshotDigest> _digests = [];
    private readonly List<CollectionCensus> _censuses = [];
    /// <summary>Per snapshot but the last: its collections by path, in case a later snapshot does not share its ids.</summary>
    private readonly List<PathCensus> _pathCensuses = [];
    private readonly bool _deferPathCensuses;
    /// <summary>Deferred: the snapshot before, kept until the next one shows whether its path census is needed.</summary>
    private SnapshotAnalysis? _pending;
    /// <summary>Deferred: a snapshot was released without its path census (the next one shared its ids).</summary>
    private bool _pathCensusMissing;
    private SnapshotAnalysis? _lastAnalysis;

    /// <summary>A detector that makes every snapshot's path census as it is added (one breadth-first search each).</summary>
    public LeakDetector()
        : this(deferPathCensuses: false)
    {
    }

    /// <summary>
    /// With <paramref name="deferPathCensuses"/>, a snapshot's collections by path (needed only when snapshots do not
    /// share their ids) are made only once the next snapshot shows that they do not: each graph stays until the next
    /// one is added, and <see cref="Add"/> returns false when a later pair needs the census of a snapshot already
    /// released (the caller starts again without deferring).
    /// </summary>
    public LeakDetector(bool deferPathCensuses) => _deferPathCensuses = deferPathCensuses;

    /// <summary>How snapshots are matched: by paths as soon as one was added with <see cref="SnapshotMatching.Paths"/>.</summary>
    public SnapshotMatching Matching { get; private set; }

    /// <summary>Snapshots added so far.</summary>
    public int Count => _digests.Count;

    /// <summary>The full analysis kept for detection: the last snapshot's once it is added, null before.</summary>
    internal SnapshotAnalysis? LastAnalysis => _lastAnalysis;

    /// <summary>
    /// Adds the next snapshot. Keep the graph (<paramref name="isLast"/>) only for the last one. <paramref name="matching"/>
    /// says how it matches the one before (<see cref="Comparability"/>); one pair matched by paths makes the whole series so.
    /// Returns false, adding nothing, when path censuses are deferred and this snapshot needs the census of one that
    /// was released without it; always true otherwise.
    /// </summary>
    public bool Add(SnapshotAnalysis analysis, SnapshotDigest digest, bool isLast, SnapshotMatching matching = SnapshotMatching.Ids)
    {
        bool byPaths = _digests.Count > 0 && matching == SnapshotMatching.Paths;
        if (byPaths && _pathCensusMissing) return false;
        if (byPaths) Matching = SnapshotMatching.Paths;
        if (_pending is not null)
        {
            if (Matching == SnapshotMatching.Paths) _pathCensuses.Add(PathCensusOf(_pending));
            else _pathCensusMissing = true;
            _pending = null;
        }
        _censuses.Add(CollectionCensus.Create(analysis, _digests.Count > 0 ? _digests[^1] : null));
        // Whether a later snapshot shares this one's ids is known only once it comes: so every snapshot but the last
        // keeps its collections by path (one more breadth-first search), at once or, deferred, when the next one does
        // not share its ids. The last one's is made from the detection's own search, and only when needed.
        if (!isLast)
        {
            if (!_deferPathCensuses || Matching == SnapshotMatching.Paths) _pathCensuses.Add(PathCensusOf(analysis));
            else _pending = analysis;
            RememberTraces(analysis.Snapshot);
        }
        _digests.Add(digest);
        _lastAnalysis = isLast ? analysis : null;
        return true;
    }

    private static PathCensus PathCensusOf(SnapshotAnalysis analysis) =>
        PathCensus.Create(analysis, ShortestPaths.ComputePreferred(analysis.Snapshot), new CollectionShapes(analysis.Snapshot), false, default);

    public LeakReport Detect(CancellationToken cancellation = default)
    {
        if (_digests.Count < 2 || _lastAnalysis is null) throw new InvalidOperationException("leak detection needs at least two snapshots, the last one with its graph");
        return new Detection(this, cancellation).Execute();
    }

    /// <summary>
    /// One detection over the last snapshot's graph. Besides the graph and its shortest paths it keeps, per node,
    /// whether the object existed in the first snapshot (1 byte) and, filled while grouping, the shallowest new
    /// object of each class and the first new object at each depth, so that no later step scans the graph again.
    /// </summary>
    private sealed partial class Detection
    {
        private readonly LeakDetector _detector;
        private readonly CancellationToken _cancellation;
        private readonly SnapshotAnalysis _analysis;
        private readonly HeapSnapshot _snapshot;
        private readonly ShortestPaths _paths;
        private readonly ScriptNames _scriptNames;
        private readonly CollectionShapes _collectionShapes;
        private readonly NodeTypeIds _types;
        private readonly int _snapshotCount;
        /// <summary>The snapshot before the last when there are three or more: new objects must be alive in it too.</summary>
        private readonly SnapshotDigest? _beforeLast;
        /// <summary>Per node of the last snapshot: its id was in the first snapshot.</summary>
        private readonly bool[] _existedInFirst;
        /// <summary>Index of the class <c>system / Context</c> (closure contexts), or -1.</summary>
        private readonly int _contextClass = -1;
        private readonly ClassSeries _classSeries;

        public Detection(LeakDetector detector, CancellationToken cancellation)
        {
            _detector = detector;
            _cancellation = cancellation;
            _analysis = detector._lastAnalysis!;
            _snapshot = _analysis.Snapshot;
            _snapshotCount = detector._digests.Count;
            _beforeLast = _snapshotCount >= 3 ? detector._digests[_snapshotCount - 2] : null;
            _paths = ShortestPaths.ComputePreferred(_snapshot, cancellation);
            _scriptNames = ScriptNames.Build(_snapshot);
            _collectionShapes = new CollectionShapes(_snapshot);
            _types = new NodeTypeIds(_snapshot.Meta);
            for (int c = 0; c < _analysis.Classes.Count; c++)
                if (_analysis.Classes[c].Name == "system / Context") _contextClass = c;
            var first = detector._digests[0];
            _existedInFirst = new bool[_snapshot.NodeCount];
            if (detector.Matching == SnapshotMatching.Ids)
                for (int v = 0; v < _existedInFirst.Length; v++) _existedInFirst[v] = first.Contains(_snapshot.NodeIds[v]);
            _classSeries = ClassSeries.Build(detector._digests);
            _shallowestNewOfClass = new int[_analysis.Classes.Count];
            Array.Fill(_shallowestNewOfClass, -1);
        }

        public LeakReport Execute()
        {
            if (_detector.Matching == SnapshotMatching.Paths) return ExecuteByPaths();
            var groups = BuildGroups();
            AddGrowingCollections(groups);
            var candidates = new List<Candidate>();
            foreach (var group in groups)
            {
                _cancellation.ThrowIfCancellationRequested();
                if (group.NewObjects < LeakThresholds.MinGroupObjects) continue;
                if (Evaluate(group) is { } suspect) candidates.Add(new Candidate(suspect, Signature(group), group));
            }
            long newObjects = 0, newBytes = 0;
            foreach (var group in groups) { newObjects += group.NewObjects; newBytes += group.NewBytes; }
            return Report(candidates, newObjects, newBytes);
        }

        /// <summary>The suspects of the candidates merged, with the classes that grow on their own, most severe first.</summary>
        /// <param name="heldAtPoints">Matched by paths: per class index, the objects the suspects' points hold, which
        /// explain a class's growth as the new objects grouped at the points do with ids.</param>
        private LeakReport Report(List<Candidate> candidates, long newObjects, long newBytes, Dictionary<int, long>? heldAtPoints = null)
        {
            var suspects = MergeIntoOwners(MergeSimilar(candidates, out var explainedByClass), explainedByClass);
            foreach (var (cls, count) in heldAtPoints ?? []) explainedByClass[cls] = explainedByClass.GetValueOrDefault(cls) + count;
            var points = suspects.Where(x => x.AccumulationPoint is not null).Select(x => x.AccumulationPoint!.Id).ToHashSet();
            suspects.AddRange(GrowingClasses(explainedByClass, points));
            // Owner first: of two suspects equally severe, the application's collection or object leads, runtime
            // objects (handles, Node's classes) follow.
            suspects.Sort((x, y) => y.Severity != x.Severity ? y.Severity.CompareTo(x.Severity)
                : x.Owner != y.Owner ? y.Owner.CompareTo(x.Owner)
                : y.ByteGrowthPerSnapshot != x.ByteGrowthPerSnapshot ? y.ByteGrowthPerSnapshot.CompareTo(x.ByteGrowthPerSnapshot)
                : y.NewObjects.CompareTo(x.NewObjects));
            var infos = _detector._digests.Select(d => new SnapshotInfo(d.Source, d.NodeCount, d.TotalSize)).ToList();
            return new LeakReport(infos, suspects, newObjects, newBytes) { Matching = _detector.Matching };
        }
    }

    /// <summary>The snapshot's indexes of the node types the detector tells apart (-1 when the snapshot has none).</summary>
    private readonly record struct NodeTypeIds(int Synthetic, int Hidden, int Array, int Code, int Closure, int ObjectShape, int Object, int Native)
    {
        public NodeTypeIds(SnapshotMeta meta)
            : this(meta.NodeType("synthetic"), meta.NodeType("hidden"), meta.NodeType("array"), meta.NodeType("code"),
                meta.NodeType("closure"), meta.NodeType("object shape"), meta.NodeType("object"), meta.NodeType("native"))
        {
        }
    }
}
