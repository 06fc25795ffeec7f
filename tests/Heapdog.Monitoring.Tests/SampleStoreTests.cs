using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Tests;

public class SampleStoreTests
{
    private static readonly long T0 = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    private static WatchedProcess AddProcess(SampleStore store, int pid = 100) =>
        store.UpsertProcess(new ProcessIdentity(pid, 42), "node", "node app.js", T0 - 60_000, null, T0);

    [Fact]
    public void Open_NewFile_CreatesLatestSchemaInWalMode()
    {
        using var dir = new TempDirectory();
        using (var store = SampleStore.Open(dir.File("sub/dir/h.db")))
            store.SchemaVersion.ShouldBe(StoreMigrations.Latest);
        using var c = new SqliteConnection($"Data Source={dir.File("sub/dir/h.db")}");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        cmd.ExecuteScalar().ShouldBe("wal");
    }

    [Fact]
    public void Open_StoreAtVersion1_MigratesAndKeepsData()
    {
        using var dir = new TempDirectory();
        string path = dir.File("old.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var t = c.BeginTransaction();
            using var cmd = c.CreateCommand();
            cmd.Transaction = t;
            cmd.CommandText = "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_ms INTEGER NOT NULL, description TEXT NOT NULL)";
            cmd.ExecuteNonQuery();
            StoreMigrations.Steps[0].Apply(c, t);
            cmd.CommandText = "INSERT INTO schema_version VALUES (1, 0, 'v1'); INSERT INTO processes (pid, start_ticks, start_time_ms, name, command_line, first_seen_ms, last_seen_ms) VALUES (7, 1, 1000, 'node', 'node x.js', 1000, 2000); INSERT INTO samples (process_id, time_ms, rss) VALUES (1, 2000, 123)";
            cmd.ExecuteNonQuery();
            t.Commit();
        }
        using var store = SampleStore.Open(path);
        store.SchemaVersion.ShouldBe(StoreMigrations.Latest);
        store.ReadSamples(1).ShouldHaveSingleItem().Rss.ShouldBe(123);
        store.AddEvent(1, 3000, "exited", "{}"); // table from step 2
        store.ReadEvents(1).ShouldHaveSingleItem();
        var dashboard = new DashboardStore(path); // table from step 3
        long id = dashboard.AddSnapshot(1, 7, "s.heapsnapshot", "/snaps/s.heapsnapshot", 10, 3000, "capture", "new").Id;
        dashboard.Snapshots(id).ShouldHaveSingleItem().ProcessId.ShouldBe(1);
    }

    [Fact]
    public void Open_NewerSchema_RefusesWithOneLine()
    {
        using var dir = new TempDirectory();
        string path = dir.File("new.db");
        using (var store = SampleStore.Open(path)) { }
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO schema_version VALUES (99, 0, 'future')";
            cmd.ExecuteNonQuery();
        }
        var e = Should.Throw<StoreException>(() => SampleStore.Open(path));
        e.Message.ShouldContain("schema version 99");
        e.Message.ShouldNotContain("\n");
    }

    [Fact]
    public void Open_NotADatabase_ThrowsStoreExceptionAndLeavesFileAlone()
    {
        using var dir = new TempDirectory();
        string path = dir.File("notes.txt");
        File.WriteAllText(path, "these are my notes, not a database\n" + new string('x', 5000));
        var before = File.ReadAllBytes(path);
        Should.Throw<StoreException>(() => SampleStore.Open(path)).Message.ShouldContain("not a Heapdog database");
        File.ReadAllBytes(path).ShouldBe(before);
    }

    [Fact]
    public void AddSamples_Batch_RoundTripsEveryColumn()
    {
        using var dir = new TempDirectory();
        using var store = SampleStore.Open(dir.File("h.db"));
        var p = AddProcess(store);
        var s = new Sample
        {
            TimeMs = T0, Rss = 1, RssAnon = 2, RssFile = 3, RssShmem = 4, PeakRss = 5, V8Heap = 6, Native = 7, CpuPercent = 8.5,
            Threads = 9, OpenFds = 10, OomScore = 11, OomScoreAdj = -12, CgroupUsage = 13, CgroupLimit = 14, CgroupOomKills = 15,
            HeapUsed = 16, HeapTotal = 17, External = 18, ArrayBuffers = 19, HeapLimit = 20, NativeContexts = 21, DetachedContexts = 22,
            GcCount = 23, GcTimeMs = 24,
        };
        store.AddSamples([(p.Id, s)]);
        var back = store.ReadSamples(p.Id).ShouldHaveSingleItem();
        foreach (var prop in typeof(Sample).GetProperties()) prop.GetValue(back).ShouldBe(prop.GetValue(s), prop.Name);
    }

    [Fact]
    public void UpsertProcess_SamePidNewStartTime_IsANewProcess()
    {
        using var dir = new TempDirectory();
        using var store = SampleStore.Open(dir.File("h.db"));
        var a = store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node a.js", 1000, null, 2000);
        var again = store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node a.js", 1000, null, 3000);
        var b = store.UpsertProcess(new ProcessIdentity(100, 99), "node", "node b.js", 5000, null, 6000);
        again.Id.ShouldBe(a.Id);
        b.Id.ShouldNotBe(a.Id);
        store.FindByPid(100).Select(p => p.Id).ShouldBe([b.Id, a.Id]);
        store.FindAlive(100, 2500, 60_000)!.Id.ShouldBe(a.Id);
        store.FindAlive(100, 6500, 60_000)!.Id.ShouldBe(b.Id);
    }

    [Fact]
    public void ApplyRetention_OldRawSamples_BecomePerMinuteRowsWithFloorsAndAverages()
    {
        using var dir = new TempDirectory();
        using var store = SampleStore.Open(dir.File("h.db"));
        var p = AddProcess(store);
        var batch = new List<(long, Sample)>();
        // Two minutes of 5 s samples two days ago, then one fresh sample.
        for (int i = 0; i < 24; i++)
            batch.Add((p.Id, new Sample { TimeMs = T0 + i * 5000, Rss = 1000 + i, HeapUsed = 500 + (i % 12), GcCount = i }));
        long now = T0 + TimeSpan.FromDays(2).Ticks / TimeSpan.TicksPerMillisecond;
        batch.Add((p.Id, new Sample { TimeMs = now - 1000, Rss = 5 }));
        store.AddSamples(batch);

        store.ApplyRetention(new RetentionPolicy(TimeSpan.FromDays(1), TimeSpan.FromDays(30)), now).ShouldBe(24);
        var rows = store.ReadSamples(p.Id);
        rows.Count.ShouldBe(3);
        rows[0].TimeMs.ShouldBe(T0 + 30_000);
        rows[0].Rss.ShouldBe(1005); // average of 1000..1011 (5.5 truncated)
        rows[0].HeapUsed.ShouldBe(500); // floor
        rows[0].GcCount.ShouldBe(11); // counters keep their maximum
        rows[0].V8Heap.ShouldBe(-1); // never measured stays unmeasured
        rows[2].Rss.ShouldBe(5);
        store.CountSamples().ShouldBe(1);
    }

    [Fact]
    public void ApplyRetention_PastPerMinuteWindow_DropsRowsAndProcess()
    {
        using var dir = new TempDirectory();
        using var store = SampleStore.Open(dir.File("h.db"));
        var p = AddProcess(store);
        store.AddSamples([(p.Id, new Sample { TimeMs = T0, Rss = 1 })]);
        store.ApplyRetention(RetentionPolicy.Default, T0 + TimeSpan.FromDays(40).Ticks / TimeSpan.TicksPerMillisecond);
        store.ReadSamples(p.Id).ShouldBeEmpty();
        store.AllProcesses().ShouldBeEmpty();
    }

    [Fact]
    public void StorePaths_Default_UsesXdgDataHome()
    {
        var old = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        try
        {
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", "/srv/data");
            StorePaths.Default().ShouldBe("/srv/data/heapdog/heapdog.db");
            Environment.SetEnvironmentVariable("XDG_DATA_HOME", null);
            StorePaths.Default().ShouldEndWith("/.local/share/heapdog/heapdog.db");
        }
        finally { Environment.SetEnvironmentVariable("XDG_DATA_HOME", old); }
    }
}
