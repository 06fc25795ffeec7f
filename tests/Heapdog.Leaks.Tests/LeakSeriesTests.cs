using System.Runtime.CompilerServices;
using Heapdog.Leaks.Tests.Infrastructure;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks.Tests;

/// <summary>
/// <see cref="LeakSeries"/> on hand-drawn snapshots. The "process" series is
/// <c>(root) --global--> Global@3 --store--> Store@101 --items--> Array@103 --[j]--> Item j (id 10001 + 2j)</c>
/// with 20 more Items per step; the "stranger" has the same ids on different objects (another process).
/// </summary>
public sealed class LeakSeriesTests
{
    private static HeapBuilder Process(int step) => Process(step, 0, withScript: false);

    /// <summary>The process's heap at <paramref name="step"/>, every id moved up by <paramref name="idShift"/> (an even
    /// number) and @3 given to an object of this session: another inspector session, whose small ids name other objects;
    /// <paramref name="withScript"/> adds a closure of app.js, the script that tells the sessions are of one program.</summary>
    private static HeapBuilder Process(int step, uint idShift, bool withScript)
    {
        var heap = new HeapBuilder();
        int global = heap.Add("object", "Global", 3 + idShift, 100);
        int store = heap.Add("object", "Store", 101 + idShift, 40);
        int array = heap.Add("object", "Array", 103 + idShift, 32);
        heap.Edge(HeapBuilder.Root, "shortcut", "global", global).Edge(global, "property", "store", store).Edge(store, "property", "items", array);
        for (int j = 0; j < 20 * (step + 1); j++) heap.Element(array, j, heap.Add("object", "Item", (uint)(10_001 + 2 * j) + idShift, 50));
        if (idShift > 0) heap.Edge(global, "property", "session", heap.Add("object", $"Session{idShift}", 3, 16));
        if (withScript) heap.Edge(global, "property", "handler", heap.Closure("handle", 5_001 + idShift, 7, "/srv/app.js", 12));
        return heap;
    }

    /// <summary>Sessions: per snapshot, the id shift of its inspector session.</summary>
    private static LeakSeries Add(LeakSeries series, uint[] sessions, out bool lastAdded)
    {
        lastAdded = true;
        for (int k = 0; k < sessions.Length && lastAdded; k++)
        {
            var (analysis, digest) = Process(k, sessions[k], withScript: true).Analyze($"s{k + 1}");
            lastAdded = series.Add(analysis, digest, $"s{k + 1}", k == sessions.Length - 1);
        }
        return series;
    }

    private static string Describe(LeakReport report) =>
        $"{report.Matching} {report.NewObjects} {report.NewBytes}: " + string.Join("; ", report.Suspects.Select(x =>
            $"{x.Kind} {x.Severity} {x.Title} {x.PropertyPath} {string.Join(',', x.Counts ?? [])} {string.Join(',', x.Bytes)} {x.AccumulationPoint?.Id}"));

    [Theory]
    [InlineData(new uint[] { 0, 0, 0 })]
    [InlineData(new uint[] { 0, 100_000, 100_000 })]
    [InlineData(new uint[] { 0, 100_000, 200_000 })]
    public void Add_DeferredPathCensuses_SameReportAsMadeAtOnce(uint[] sessions)
    {
        // One session, a new one from the second snapshot on, a new one for each: the first snapshot's census is made
        // from the graph kept until the second shows it is needed.
        var deferred = Add(new LeakSeries(deferPathCensuses: true), sessions, out bool complete);
        var atOnce = Add(new LeakSeries(), sessions, out _);

        complete.ShouldBeTrue();
        var report = deferred.Detect();
        report.Matching.ShouldBe(sessions[1] == 0 ? SnapshotMatching.Ids : SnapshotMatching.Paths);
        report.Suspects.ShouldNotBeEmpty();
        Describe(report).ShouldBe(Describe(atOnce.Detect()));
    }

    [Fact]
    public void Add_DeferredAndANewSessionOnlyAtTheLast_ReturnsFalseAndAddsNothing()
    {
        // s1 and s2 share ids, so s1 was released without its census; s3 (a new session) needs it.
        var series = Add(new LeakSeries(deferPathCensuses: true), [0, 0, 100_000], out bool complete);

        complete.ShouldBeFalse();
        series.Count.ShouldBe(2);
        series.IsComplete.ShouldBeFalse();
        Add(new LeakSeries(), [0, 0, 100_000], out _).Detect().Matching.ShouldBe(SnapshotMatching.Paths);
    }

    /// <summary>(root) --global--> Window@3 --cache--> Map@101 … and Report objects at the Items' ids: another process.</summary>
    private static HeapBuilder Stranger()
    {
        var heap = new HeapBuilder();
        int global = heap.Add("object", "Window", 3, 100);
        int cache = heap.Add("object", "Map", 101, 40);
        heap.Edge(HeapBuilder.Root, "shortcut", "global", global).Edge(global, "property", "cache", cache);
        for (int j = 0; j < 40; j++) heap.Edge(cache, "property", $"r{j}", heap.Add("object", "Report", (uint)(10_001 + 2 * j), 50));
        return heap;
    }

    [Fact]
    public void Detect_ThreeSnapshotsOfOneProcess_GivesTheDetectorsReport()
    {
        // Expected: the one collection suspect (Array@103, 20 → 40 → 60 entries), snapshots named by their digests.
        var series = new LeakSeries();
        for (int k = 0; k < 3; k++)
        {
            var (analysis, digest) = Process(k).Analyze($"s{k + 1}.heapsnapshot");
            series.Add(analysis, digest, $"s{k + 1}", k == 2);
        }

        series.Count.ShouldBe(3);
        series.Labels.ShouldBe(["s1", "s2", "s3"]);
        var report = series.Detect();
        report.Snapshots.Select(s => s.Source).ShouldBe(["s1.heapsnapshot", "s2.heapsnapshot", "s3.heapsnapshot"]);
        var suspect = report.Suspects.ShouldHaveSingleItem();
        suspect.Kind.ShouldBe(SuspectKind.Collection);
        suspect.Counts.ShouldBe([20, 40, 60]);
    }

    [Fact]
    public void Add_SnapshotOfAnotherProgram_ThrowsNotComparableWithBothLabels()
    {
        // Global@3/Store@101/Items versus Window@3/Map@101/Reports: the shared ids name different objects.
        var series = new LeakSeries();
        var (a, da) = Process(1).Analyze("a");
        series.Add(a, da, "app-1", isLast: false);
        var (b, db) = Stranger().Analyze("b");

        var error = Should.Throw<SnapshotsNotComparableException>(() => series.Add(b, db, "other-7", isLast: true));

        error.EarlierLabel.ShouldBe("app-1");
        error.LaterLabel.ShouldBe("other-7");
        // Not one numbering of objects, and no script of one program in both either.
        error.Reason.ShouldBe("they have no application script in common (none versus none): they are snapshots of two different programs");
        error.Message.ShouldBe($"snapshots app-1 and other-7 cannot be compared: {error.Reason}");
        series.Count.ShouldBe(1);
    }

    [Fact]
    public void Add_NewerSnapshotFirst_ThrowsNotComparableForTheOrder()
    {
        // s3 (Items up to @10119) then s1 (Items up to @10039): the later one's newest id is older.
        var series = new LeakSeries();
        var (s3, d3) = Process(2).Analyze("s3");
        var (s1, d1) = Process(0).Analyze("s1");
        series.Add(s3, d3, "s3", isLast: false);

        var error = Should.Throw<SnapshotsNotComparableException>(() => series.Add(s1, d1, "s1", isLast: true));

        error.Message.ShouldStartWith("snapshots s3 and s1 cannot be compared: its newest object id (@10039) is older than the earlier snapshot's (@10119): wrong order, give the older snapshot first");
    }

    [Fact]
    public void Detect_BeforeTheLastSnapshot_Throws()
    {
        var series = new LeakSeries();
        var (a, da) = Process(0).Analyze("s1");
        var (b, db) = Process(1).Analyze("s2");
        series.Add(a, da, "s1", isLast: false);
        series.Add(b, db, "s2", isLast: false);

        series.IsComplete.ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => series.Detect());
    }

    [Fact]
    public void Add_AfterTheLastSnapshot_Throws()
    {
        var series = new LeakSeries();
        var (a, da) = Process(0).Analyze("s1");
        var (b, db) = Process(1).Analyze("s2");
        series.Add(a, da, "s1", isLast: false);
        series.Add(b, db, "s2", isLast: true);

        Should.Throw<InvalidOperationException>(() => series.Add(b, db, "s3", isLast: false)).Message.ShouldContain("after the last one");
    }

    [Fact]
    public void Add_EarlierSnapshots_KeepsOnlyTheLastAnalysis()
    {
        // Two earlier snapshots are added and dropped by the caller; only digests stay, so the collector frees
        // their graphs. The last one's analysis is the one the series keeps.
        var series = new LeakSeries();
        var first = AddAndForget(series, 0, "s1");
        var second = AddAndForget(series, 1, "s2");
        series.RetainedAnalysis.ShouldBeNull();
        var (last, digest) = Process(2).Analyze("s3");
        series.Add(last, digest, "s3", isLast: true);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        first.IsAlive.ShouldBeFalse();
        second.IsAlive.ShouldBeFalse();
        series.RetainedAnalysis.ShouldBeSameAs(last);
        series.Detect().Suspects.ShouldHaveSingleItem().Counts.ShouldBe([20, 40, 60]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference AddAndForget(LeakSeries series, int step, string label)
    {
        var (analysis, digest) = Process(step).Analyze(label);
        series.Add(analysis, digest, label, isLast: false);
        return new WeakReference(analysis);
    }
}
