using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>
/// The store contract (<see cref="ISampleStore"/>, <see cref="IDashboardStore"/>): every store passes these, run once
/// against a real SQLite file and once against a real PostgreSQL. A store-specific behaviour (a file's modes, a server
/// restart) is tested beside its store, not here.
/// </summary>
public abstract class StoreContractTests : IDisposable
{
    protected static readonly long T0 = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private readonly List<ISampleStore> _opened = [];

    /// <summary>Opens this test's store: created and migrated the first time, the same store again after.</summary>
    protected abstract ISampleStore OpenStore();

    /// <summary>The rows of the store's <c>schema_version</c> table.</summary>
    protected abstract long SchemaSteps();

    protected ISampleStore Open()
    {
        var store = OpenStore();
        _opened.Add(store);
        return store;
    }

    protected static IDashboardStore DashboardOf(ISampleStore store) => Stores.DashboardOf(store);

    protected static WatchedProcess AddProcess(ISampleStore store, int pid = 100) =>
        store.UpsertProcess(new ProcessIdentity(pid, 42), "node", "node app.js", T0 - 60_000, null, T0);

    protected static Sample EveryColumn(long timeMs) => new()
    {
        TimeMs = timeMs, Rss = 1, RssAnon = 2, RssFile = 3, RssShmem = 4, PeakRss = 5, V8Heap = 6, Native = 7, CpuPercent = 8.5,
        Threads = 9, OpenFds = 10, OomScore = 11, OomScoreAdj = -12, CgroupUsage = 13, CgroupLimit = 14, CgroupOomKills = 15,
        HeapUsed = 16, HeapTotal = 17, External = 18, ArrayBuffers = 19, HeapLimit = 20, NativeContexts = 21, DetachedContexts = 22,
        GcCount = 23, GcTimeMs = 24_000_000_000,
    };

    protected static void ShouldBeSame(Sample actual, Sample expected)
    {
        foreach (var prop in typeof(Sample).GetProperties()) prop.GetValue(actual).ShouldBe(prop.GetValue(expected), prop.Name);
    }

    [ContractFact]
    public void Open_NewStore_IsAtTheLatestSchema()
    {
        using var store = Open();
        store.SchemaVersion.ShouldBe(StoreMigrations.Latest);
        SchemaSteps().ShouldBe(StoreMigrations.Steps.Length);
    }

    [ContractFact]
    public void Open_Again_RunsNoMigrationTwiceAndKeepsData()
    {
        long id;
        using (var first = Open())
        {
            id = AddProcess(first).Id;
            first.AddSamples([(id, new Sample { TimeMs = T0, Rss = 7 })]);
        }
        using var again = Open();
        using var third = Open();
        again.SchemaVersion.ShouldBe(StoreMigrations.Latest);
        SchemaSteps().ShouldBe(StoreMigrations.Steps.Length);
        third.ReadSamples(id).ShouldHaveSingleItem().Rss.ShouldBe(7);
    }

    [ContractFact]
    public void AddSamples_Batch_RoundTripsEveryColumnThroughBothSides()
    {
        using var store = Open();
        var p = AddProcess(store);
        var s = EveryColumn(T0);
        var later = EveryColumn(T0 + 5000);
        later.Rss = 99;
        store.AddSamples([(p.Id, s), (p.Id, later)]);
        var back = store.ReadSamples(p.Id);
        back.Count.ShouldBe(2);
        ShouldBeSame(back[0], s);
        ShouldBeSame(back[1], later);
        var dashboard = DashboardOf(store);
        ShouldBeSame(dashboard.LatestSample(p.Id)!, later);
        dashboard.Samples(p.Id).Select(x => x.Rss).ShouldBe([1, 99]);
        store.ReadSamples(p.Id, T0 + 1, T0 + 5000).ShouldHaveSingleItem().Rss.ShouldBe(99);
        store.CountSamples().ShouldBe(2);
        store.CountSamples(p.Id + 1000).ShouldBe(0);
        dashboard.LatestSample(p.Id + 1000).ShouldBeNull();
    }

    [ContractFact]
    public void AddSamples_SameBatchTwice_IsStoredOnceWithTheLastFigures()
    {
        using var store = Open();
        var p = AddProcess(store);
        var batch = Enumerable.Range(0, 10).Select(i => (p.Id, new Sample { TimeMs = T0 + i * 5000, Rss = i })).ToList();
        store.AddSamples(batch);
        store.AddSamples(batch);
        // Within one batch too, the last sample given for a time wins.
        store.AddSamples([(p.Id, new Sample { TimeMs = T0, Rss = 500 }), (p.Id, new Sample { TimeMs = T0, Rss = 600 })]);
        store.CountSamples(p.Id).ShouldBe(10);
        store.ReadSamples(p.Id)[0].Rss.ShouldBe(600);
        store.LastSeenMs(p.Id).ShouldBe(T0 + 45_000);
    }

    [ContractFact]
    public void UpsertProcess_WithPlace_ContainerAndPodReadBack()
    {
        using var store = Open();
        var bare = AddProcess(store, 200);
        var p = store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0, null, T0, new ProcessPlace("containerd:3f2a9c1b7d4e", "shop/checkout-1"));
        DashboardOf(store).Processes(p.Id).ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            s => s.Container.ShouldBe("containerd:3f2a9c1b7d4e"), s => s.Pod.ShouldBe("shop/checkout-1"));

        // Seen again without a place (the container could not be read this time): what was stored stays.
        store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0, null, T0 + 1000);
        // Seen again with the pod's container named by the kubelet's tree: the name replaces the id, the pod stays.
        store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0, null, T0 + 2000, new ProcessPlace("api", null));
        var stored = DashboardOf(store).Processes(p.Id).ShouldHaveSingleItem();
        (stored.Container, stored.Pod, stored.LastSeenMs).ShouldBe(("api", "shop/checkout-1", T0 + 2000));
        var other = DashboardOf(store).Processes(bare.Id).ShouldHaveSingleItem();
        (other.Container, other.Pod).ShouldBe((null, null));
    }

    [ContractFact]
    public void UpsertProcess_SamePidNewStartTime_IsANewProcess()
    {
        using var store = Open();
        var a = store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node a.js", 1000, null, 2000);
        var again = store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node a.js", 1000, "api", 3000);
        var b = store.UpsertProcess(new ProcessIdentity(100, 99), "node", "node b.js", 5000, null, 6000);
        again.Id.ShouldBe(a.Id);
        b.Id.ShouldNotBe(a.Id);
        store.FindByPid(100).Select(p => p.Id).ShouldBe([b.Id, a.Id]);
        store.FindByPid(101).ShouldBeEmpty();
        store.AllProcesses().Select(p => p.Id).ShouldBe([b.Id, a.Id]);
        store.FindAlive(100, 2500, 60_000)!.Id.ShouldBe(a.Id);
        store.FindAlive(100, 6500, 60_000)!.Id.ShouldBe(b.Id);
        store.FindAlive(100, 500_000, 60_000).ShouldBeNull();
        store.LastSeenMs(a.Id).ShouldBe(3000);
        var stored = DashboardOf(store).Processes(a.Id).ShouldHaveSingleItem();
        (stored.FirstSeenMs, stored.LastSeenMs, stored.Process.Pm2Name, stored.Process.Identity).ShouldBe((2000L, 3000L, "api", new ProcessIdentity(100, 42)));
        DashboardOf(store).Processes().Count.ShouldBe(2);
    }

    [ContractFact]
    public void Events_WrittenByBothSides_ReadInTimeOrderAndFilteredByKind()
    {
        using var store = Open();
        var p = AddProcess(store);
        var dashboard = DashboardOf(store);
        store.AddEvent(p.Id, T0 + 2, EventKind.Exited, "{}");
        dashboard.AddEvent(p.Id, T0 + 1, EventKind.Snapshot, """{"bytes":"123"}""");
        store.AddEvent(null, T0 + 3, EventKind.OomKill, """{"pid":5}""");
        store.ReadEvents(p.Id).Select(e => e.Kind).ShouldBe([EventKind.Snapshot, EventKind.Exited]);
        store.ReadEvents(null).Count.ShouldBe(3);
        store.ReadEvents(null, T0 + 3).ShouldHaveSingleItem().ProcessId.ShouldBeNull();
        dashboard.Events(null, T0, T0 + 10, [EventKind.OomKill, EventKind.Exited]).Select(e => e.TimeMs).ShouldBe([T0 + 2, T0 + 3]);
        // Old stores' string bytes come back as a number, whatever the store.
        dashboard.Events(p.Id, T0, T0 + 10, [EventKind.Snapshot]).ShouldHaveSingleItem().Detail.ShouldBe("""{"bytes":123}""");
    }

    [ContractFact]
    public void Snapshots_AddUpdateDelete_RoundTrip()
    {
        using var store = Open();
        var p = AddProcess(store);
        var dashboard = DashboardOf(store);
        var first = dashboard.AddSnapshot(p.Id, 100, "a.heapsnapshot", "/s/a.heapsnapshot", 10, T0, "capture", SnapshotState.New);
        var second = dashboard.AddSnapshot(null, null, "b.heapsnapshot", "/s/b.heapsnapshot", 20, T0 + 1, "upload", SnapshotState.New);
        dashboard.UpdateSnapshot(first.Id, SnapshotState.Ready, nodeCount: 5, edgeCount: 6, totalSize: 7);
        dashboard.UpdateSnapshot(second.Id, SnapshotState.Failed, error: "truncated", file: "/s/b2.heapsnapshot");
        dashboard.Snapshots().Select(s => s.Id).ShouldBe([second.Id, first.Id]);
        dashboard.Snapshots(first.Id).ShouldHaveSingleItem().ShouldBe(
            new StoredSnapshot(first.Id, p.Id, 100, "a.heapsnapshot", "/s/a.heapsnapshot", 10, T0, "capture", SnapshotState.Ready, null, 5, 6, 7));
        dashboard.Snapshots(second.Id).ShouldHaveSingleItem().ShouldBe(
            new StoredSnapshot(second.Id, null, null, "b.heapsnapshot", "/s/b2.heapsnapshot", 20, T0 + 1, "upload", SnapshotState.Failed, "truncated", null, null, null));
        dashboard.DeleteSnapshot(first.Id).ShouldBeTrue();
        dashboard.DeleteSnapshot(first.Id).ShouldBeFalse();
        dashboard.Snapshots().ShouldHaveSingleItem().Id.ShouldBe(second.Id);
    }

    [ContractFact]
    public void ApplyRetention_OldRawSamples_BecomePerMinuteRowsWithFloorsAveragesAndPeaks()
    {
        using var store = Open();
        var p = AddProcess(store);
        var batch = new List<(long, Sample)>();
        // Two minutes of 5 s samples two days ago, then one fresh sample.
        for (int i = 0; i < 24; i++)
            batch.Add((p.Id, new Sample { TimeMs = T0 + i * 5000, Rss = 1000 + i, HeapUsed = 500 + (i % 12), GcCount = i, CpuPercent = i % 2 }));
        long now = T0 + (long)TimeSpan.FromDays(2).TotalMilliseconds;
        batch.Add((p.Id, new Sample { TimeMs = now - 1000, Rss = 5 }));
        store.AddSamples(batch);

        store.ApplyRetention(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(30)), now).ShouldBe(24);
        var rows = store.ReadSamples(p.Id);
        rows.Count.ShouldBe(3);
        rows[0].TimeMs.ShouldBe(T0 + 30_000);
        rows[0].Rss.ShouldBe(1005); // average of 1000..1011 (1005.5 truncated, in every store)
        rows[0].HeapUsed.ShouldBe(500); // floor
        rows[0].GcCount.ShouldBe(11); // counters keep their maximum
        rows[0].CpuPercent.ShouldBe(0.5); // a real column keeps its fraction
        rows[0].V8Heap.ShouldBe(-1); // never measured stays unmeasured
        rows[1].Rss.ShouldBe(1017);
        rows[2].Rss.ShouldBe(5);
        store.CountSamples().ShouldBe(1);
        // Applying it again changes nothing.
        store.ApplyRetention(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(30)), now).ShouldBe(0);
        store.ReadSamples(p.Id).Count.ShouldBe(3);
    }

    [ContractFact]
    public void ApplyRetention_PastPerMinuteWindow_DropsRowsEventsAndProcess()
    {
        using var store = Open();
        var p = AddProcess(store);
        store.AddSamples([(p.Id, new Sample { TimeMs = T0, Rss = 1 })]);
        store.AddEvent(p.Id, T0, EventKind.Exited, "{}");
        store.ApplyRetention(RetentionPolicy.Default, T0 + (long)TimeSpan.FromDays(40).TotalMilliseconds);
        store.ReadSamples(p.Id).ShouldBeEmpty();
        store.ReadEvents(null).ShouldBeEmpty();
        store.AllProcesses().ShouldBeEmpty();
    }

    [ContractFact]
    public void Series_RollupsThenRawSamples_BucketsPeaksAndMeanCpu()
    {
        using var store = Open();
        var p = AddProcess(store);
        long now = T0 + (long)TimeSpan.FromDays(2).TotalMilliseconds;
        var batch = new List<(long, Sample)>();
        for (int i = 0; i < 12; i++) batch.Add((p.Id, new Sample { TimeMs = T0 + i * 5000, Rss = 100 + i, CpuPercent = 10 }));
        batch.Add((p.Id, new Sample { TimeMs = now - 2000, Rss = 7, CpuPercent = 20 }));
        batch.Add((p.Id, new Sample { TimeMs = now - 1000, Rss = 9, CpuPercent = 40 }));
        store.AddSamples(batch);
        store.ApplyRetention(RetentionPolicy.Default, now);

        var series = DashboardOf(store).Series(p.Id, T0, now, 2);
        int rss = DashboardStore.SeriesColumns.ToList().FindIndex(c => c.Name == "rss");
        int cpu = DashboardStore.SeriesColumns.ToList().FindIndex(c => c.Name == "cpuPercent");
        int heap = DashboardStore.SeriesColumns.ToList().FindIndex(c => c.Name == "heapUsed");
        series.Times.ShouldBe([T0 + 30_000, now - 2000]);
        series.Values[rss].ShouldBe([105.0, 9.0]); // the rolled-up minute (average 105), then the peak of the raw pair
        series.Values[cpu].ShouldBe([10.0, 30.0]); // CPU is averaged
        series.Values[heap].ShouldBe([null, null]); // never measured
        DashboardOf(store).Series(p.Id, now, now + 1000, 10).Times.ShouldBeEmpty();
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        DisposeStore();
        GC.SuppressFinalize(this);
    }

    protected virtual void DisposeStore() { }
}
