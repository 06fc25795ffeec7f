using System.Runtime.CompilerServices;
using Heapdog.Leaks.Tests.Infrastructure;

namespace Heapdog.Leaks.Tests;

/// <summary>
/// <see cref="LeakSeries"/> on hand-drawn snapshots. The "process" series is
/// <c>(root) --global--> Global@3 --store--> Store@101 --items--> Array@103 --[j]--> Item j (id 10001 + 2j)</c>
/// with 20 more Items per step; the "stranger" has the same ids on different objects (another process).
/// </summary>
public sealed class LeakSeriesTests
{
    private static HeapBuilder Process(int step)
    {
        var heap = new HeapBuilder();
        int global = heap.Add("object", "Global", 3, 100);
        int store = heap.Add("object", "Store", 101, 40);
        int array = heap.Add("object", "Array", 103, 32);
        heap.Edge(HeapBuilder.Root, "shortcut", "global", global).Edge(global, "property", "store", store).Edge(store, "property", "items", array);
        for (int j = 0; j < 20 * (step + 1); j++) heap.Element(array, j, heap.Add("object", "Item", (uint)(10_001 + 2 * j), 50));
        return heap;
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
