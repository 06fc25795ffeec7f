namespace Heapdog.Snapshot.Analysis;

/// <summary>A phase of the analysis and how far it is (0..1).</summary>
public readonly record struct AnalysisProgress(string Phase, double Fraction);

/// <summary>
/// Everything DevTools computes from a snapshot, with DevTools' definitions (see docs/numbers.md):
/// retainers, page ownership, shallow-size transfer, distances, dominators, retained sizes, class names and keys.
/// Memory kept on top of <see cref="HeapSnapshot"/>, per node: <see cref="Distances"/> 4, <see cref="Dominators"/> 4,
/// <see cref="RetainedSizes"/> 8, <see cref="ClassOf"/> 4, <see cref="Retainers"/>.First 4, dominator tree
/// (<see cref="FirstDominated"/> + <see cref="DominatedNodes"/>) 8 = 32 bytes, plus 8 (sorted ids and ordinals) once
/// <see cref="FindById"/> is first called; per edge: <see cref="Retainers"/>.Nodes 4 bytes + 1 bit for "essential"
/// (the retaining edge itself is found on demand, not stored). Per-class and per-string tables are not per node.
/// <para>
/// Scratch while it runs, on top of the graph (17–22 bytes per node, 9 per edge), per node: the first phase 17
/// (page ownership 1 + its stack 4, retainer counts 4, shallow-size owners 4 + worklist 4, both cores at once), then
/// the retainer fill 4 beside the retainers' 4 per edge + 1 bit and the essential edges' 1 bit per edge; the
/// dominator tree 20 (DFS: numbers, vertex, parent, next edge, stack; then vertex, parent, semidominators, ancestor +
/// least semidominator), then its results 12 + the tree's 8; distances and class names up to 12 (distances + BFS
/// queue, then distances + class-name strings + class ids), of which 8 stay. Beside the dominators that peaks at
/// 20 + 12 = 32 bytes per node; when the machine's free memory (or the GC's hard limit, or the container's) cannot
/// hold that with a quarter to spare, distances and class names run first instead: 8 + 20 = 28 (see -v).
/// </para>
/// </summary>
public sealed partial class SnapshotAnalysis
{
    public const int NoDistance = -5;
    public const int BaseSystemDistance = 100_000_000;

    private readonly TypeIndexes _types;
    private readonly WeakMapEdges _weakMaps;

    private SnapshotAnalysis(HeapSnapshot snapshot)
    {
        Snapshot = snapshot;
        _types = new TypeIndexes(snapshot.Meta);
        _weakMaps = new WeakMapEdges(snapshot.Strings);
        Retainers = null!;
        Distances = null!;
        Dominators = null!;
        RetainedSizes = null!;
        ClassOf = null!;
        FirstDominated = null!;
        DominatedNodes = null!;
    }

    public HeapSnapshot Snapshot { get; }
    public Retainers Retainers { get; private set; }
    /// <summary>Per node: BFS distance from the user roots; system-only objects ≥ <see cref="BaseSystemDistance"/>; <see cref="NoDistance"/> if unreachable.</summary>
    public int[] Distances { get; private set; }
    /// <summary>Per node: ordinal of its immediate dominator (the root dominates itself).</summary>
    public int[] Dominators { get; private set; }
    public long[] RetainedSizes { get; private set; }
    /// <summary>Per node: index into <see cref="Classes"/>.</summary>
    public int[] ClassOf { get; private set; }
    public IReadOnlyList<HeapClass> Classes => _classes;
    /// <summary>Dominator tree children of node <c>i</c>: <c>DominatedNodes[FirstDominated[i] .. FirstDominated[i+1]]</c>.</summary>
    public int[] FirstDominated { get; private set; }
    public int[] DominatedNodes { get; private set; }
    public SnapshotStatistics Statistics { get; private set; } = null!;

    private readonly List<HeapClass> _classes = [];
    private byte[] _pageOwned = [];
    private BitSet _essential = null!;

    public int RootOrdinal => Snapshot.RootOrdinal;

    /// <summary>Total heap as DevTools shows it: the root's retained size plus any extra native bytes.</summary>
    public long TotalSize => RetainedSizes[RootOrdinal] + Snapshot.Meta.ExtraNativeBytes;

    public static SnapshotAnalysis Analyze(HeapSnapshot snapshot, IProgress<AnalysisProgress>? progress = null,
        CancellationToken cancellation = default) => Analyze(snapshot, AnalysisConcurrency.Auto, progress, cancellation);

    /// <summary>
    /// <paramref name="concurrency"/> picks how the kernels share the cores and the memory; the results are the same
    /// in every mode (the tests hold the modes against each other).
    /// </summary>
    internal static SnapshotAnalysis Analyze(HeapSnapshot snapshot, AnalysisConcurrency concurrency,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellation = default)
    {
        var analysis = new SnapshotAnalysis(snapshot);
        void Phase(string name)
        {
            cancellation.ThrowIfCancellationRequested();
            progress?.Report(new AnalysisProgress(name, -1));
        }
        bool twoCores = concurrency switch
        {
            AnalysisConcurrency.Sequential => false,
            AnalysisConcurrency.Auto => Environment.ProcessorCount > 1,
            _ => true,
        };

        analysis._known = KnownStrings.Find(snapshot.Strings); // before the threads that read it start
        // Page ownership and essential edges here; the retainer counts and the shallow-size transfer on the other
        // core: they read only forward edges, and the transfer writes only SelfSizes, which nothing here reads.
        Phase(twoCores ? "Building retainers and shallow sizes" : "Building retainers");
        int[] retainerCounts = null!;
        void CountAndTransfer()
        {
            retainerCounts = Retainers.CountRetainers(snapshot);
            cancellation.ThrowIfCancellationRequested();
            analysis.TransferShallowSizes();
        }
        void Essential()
        {
            analysis.MarkPageOwned();
            analysis.ComputeEssentialEdges();
            analysis._pageOwned = [];
        }
        if (twoCores)
        {
            Together(Essential, CountAndTransfer, cancellation);
            ReleaseTransientMemory(); // both sides' scratch, before the retainers take their 4 bytes per edge
        }
        else
        {
            Essential();
            retainerCounts = Retainers.CountRetainers(snapshot);
        }
        analysis.Retainers = Retainers.Build(snapshot, retainerCounts, analysis._essential, twoCores);
        ReleaseTransientMemory();
        if (!twoCores)
        {
            Phase("Calculating shallow sizes");
            analysis.TransferShallowSizes();
        }

        // Distances and class names need neither dominators nor each other's results, only the graph and the
        // strings; the dominator tree needs neither of them: they run on the other core alongside it, when their
        // bytes fit in the memory left beside the dominators' (see the summary above).
        bool alongside = twoCores && (concurrency == AnalysisConcurrency.Parallel || FitsAlongside(snapshot.NodeCount));
        void Dominators()
        {
            analysis.ComputeDominatorsAndRetainedSizes(cancellation);
            analysis._essential = null!;
            analysis.BuildDominatorTree();
        }
        void DistancesAndClasses()
        {
            analysis.Distances = analysis.ComputeDistances(null);
            cancellation.ThrowIfCancellationRequested();
            analysis.AssignClassIds();
        }
        if (alongside)
        {
            Phase("Building dominator tree, distances and class names");
            Together(Dominators, DistancesAndClasses, cancellation);
        }
        else
        {
            // First: their scratch is gone before the dominators' 20 bytes per node come, and the 8 they keep sit
            // beside those rather than the 12 of the dominators' results beside their 12 of scratch.
            Phase(twoCores
                ? "Calculating distances and class names (before the dominator tree: too little memory to run them alongside)"
                : "Calculating distances and class names");
            DistancesAndClasses();
            ReleaseTransientMemory();
            Phase("Building dominator tree");
            Dominators();
        }

        // Both only read what is built by now (no strings are added any more).
        Phase(twoCores ? "Aggregating classes and statistics" : "Aggregating classes");
        if (twoCores) Together(analysis.ComputeClassAggregates, () => analysis.Statistics = analysis.ComputeStatistics(), cancellation);
        else
        {
            analysis.ComputeClassAggregates();
            Phase("Calculating statistics");
            analysis.Statistics = analysis.ComputeStatistics();
        }
        return analysis;
    }

    /// <summary>Runs <paramref name="beside"/> on another thread while <paramref name="here"/> runs on this one.</summary>
    private static void Together(Action here, Action beside, CancellationToken cancellation)
    {
        var task = Task.Run(beside, cancellation);
        try
        {
            here();
        }
        finally
        {
            // Never leave the other core's work running past a failure here.
            ((IAsyncResult)task).AsyncWaitHandle.WaitOne();
        }
        task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Whether distances and class names (up to 12 bytes per node) can run beside the dominator tree (up to 20): the
    /// 32 bytes per node must fit in what the machine (or the GC's hard limit, or the container) still has free, with
    /// a quarter to spare. Checked after a full collection, so the load is current.
    /// </summary>
    private static bool FitsAlongside(int nodeCount)
    {
        var memory = GC.GetGCMemoryInfo();
        long free = memory.TotalAvailableMemoryBytes - memory.MemoryLoadBytes;
        long needed = (long)nodeCount * (20 + 12);
        return needed + needed / 4 <= free;
    }

    /// <summary>
    /// An analysis saved earlier (Caching/AnalysisIndex): the stored results as they were, the dominator tree included
    /// (saving it costs less than building it again on every load).
    /// </summary>
    internal static SnapshotAnalysis Restore(HeapSnapshot snapshot, Retainers retainers, int[] distances, int[] dominators,
        long[] retainedSizes, int[] classOf, int[] firstDominated, int[] dominatedNodes, IEnumerable<HeapClass> classes,
        SnapshotStatistics statistics)
    {
        var analysis = new SnapshotAnalysis(snapshot)
        {
            Retainers = retainers,
            Distances = distances,
            Dominators = dominators,
            RetainedSizes = retainedSizes,
            ClassOf = classOf,
            FirstDominated = firstDominated,
            DominatedNodes = dominatedNodes,
            Statistics = statistics,
        };
        analysis._classes.AddRange(classes);
        return analysis;
    }

    /// <summary>
    /// Returns the big scratch arrays of a finished phase to the GC now, so the next phase's allocations reuse the
    /// memory instead of raising the peak (a collection here is cheap: the heap is a few hundred large arrays).
    /// </summary>
    private static void ReleaseTransientMemory() => GC.Collect(2, GCCollectionMode.Forced, blocking: true);

    public uint ShallowSize(int ordinal) => Snapshot.SelfSizes[ordinal];

    public HeapClass ClassOfNode(int ordinal) => _classes[ClassOf[ordinal]];

    /// <summary>Finds a node by its snapshot id (<c>@id</c>); -1 when there is none.</summary>
    public int FindById(uint id)
    {
        _idIndex ??= BuildIdIndex();
        int i = Array.BinarySearch(_idIndex.Value.Ids, id);
        return i < 0 ? -1 : _idIndex.Value.Ordinals[i];
    }

    private (uint[] Ids, int[] Ordinals)? _idIndex;

    private (uint[], int[]) BuildIdIndex()
    {
        var ids = (uint[])Snapshot.NodeIds.Clone();
        var ordinals = new int[ids.Length];
        for (int i = 0; i < ordinals.Length; i++) ordinals[i] = i;
        Array.Sort(ids, ordinals);
        return (ids, ordinals);
    }
}
