using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>What only the PostgreSQL store has: a server that can restart under it, be unreachable, or refuse a login.</summary>
public sealed class PostgresStoreTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static readonly long T0 = new DateTimeOffset(2026, 1, 10, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();

    public static string? SkipReason => PostgresServer.Unavailable;

    private static List<(long, Sample)> Batch(long processId, int round) =>
        [.. Enumerable.Range(0, 20).Select(i => (processId, new Sample { TimeMs = T0 + round * 5000L + i, Rss = round }))];

    [ContractFact]
    public async Task AddSamples_PostgresRestartedMidUse_ReconnectsAndStoresEveryBatchOnce()
    {
        // Its own server: the restart must not cut off other tests' connections.
        using var server = new PostgresServer();
        string db = server.CreateDatabase();
        using var store = PostgresStore.Open(server.Url(db, withPassword: true), retryFor: TimeSpan.FromSeconds(60));
        var p = store.UpsertProcess(new Processes.ProcessIdentity(1, 1), "node", "node a.js", T0, null, T0);
        for (int round = 0; round < 5; round++) store.AddSamples(Batch(p.Id, round));
        var dashboard = (IDashboardStore)store;
        dashboard.Processes().ShouldHaveSingleItem(); // the dashboard's pooled connections are open too

        server.Stop();
        // Written while the server is down: the write waits, reconnects once the server is back, and commits once.
        var during = Task.Run(() => store.AddSamples(Batch(p.Id, 5)));
        await Task.Delay(1500);
        during.IsCompleted.ShouldBeFalse();
        server.Start();
        await during.WaitAsync(TimeSpan.FromSeconds(60));
        for (int round = 6; round < 10; round++) store.AddSamples(Batch(p.Id, round));

        store.CountSamples(p.Id).ShouldBe(200);
        var rows = store.ReadSamples(p.Id);
        rows.Select(s => s.TimeMs).Distinct().Count().ShouldBe(200);
        rows.GroupBy(s => s.Rss).Select(g => g.Count()).ShouldAllBe(n => n == 20);
        dashboard.Processes().ShouldHaveSingleItem().LastSeenMs.ShouldBe(T0 + 9 * 5000 + 19);
        store.AddEvent(p.Id, T0, EventKind.Exited, "{}");
        store.ReadEvents(p.Id).ShouldHaveSingleItem();
    }

    [ContractFact]
    public async Task ApplyBatch_PostgresRestartedMidUse_AgentBatchAppliedOnceAfterReconnecting()
    {
        using var server = new PostgresServer();
        string db = server.CreateDatabase();
        using var store = PostgresStore.Open(server.Url(db, withPassword: true), retryFor: TimeSpan.FromSeconds(60));
        Fleet.AgentBatch Round(long sequence) => new("agent-a", sequence, "h1", "1.0", T0, 0, SampleColumnNames.All,
            [new Fleet.BatchProcess(1, 100, 42, T0 - 60_000, "node", "node app.js", null, null, null, T0, T0 + sequence)],
            [new Fleet.BatchRow(1, T0 + sequence * 1000, 1, [.. SampleColumnNames.All.Select(_ => 5.0)])], [],
            [new Fleet.BatchEvent(1, T0 + sequence, EventKind.OomDeath, "{}")], []);
        store.ApplyBatch("tok", Round(1), T0).Applied.ShouldBeTrue();

        server.Stop();
        // Shipped while the server is down: the batch waits, reconnects once the server is back, and is applied once;
        // the agent's retry of it (its answer lost) changes nothing.
        var during = Task.Run(() => store.ApplyBatch("tok", Round(2), T0));
        await Task.Delay(1500);
        during.IsCompleted.ShouldBeFalse();
        server.Start();
        (await during.WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe(new Fleet.BatchOutcome(true, 2));
        store.ApplyBatch("tok", Round(2), T0).ShouldBe(new Fleet.BatchOutcome(false, 2));

        long id = store.Processes().ShouldHaveSingleItem().Process.Id;
        store.CountSamples(id).ShouldBe(2);
        store.ReadEvents(id).Count.ShouldBe(2);
    }

    [ContractFact]
    public void AddSamples_ServerGoneBeyondTheRetryWindow_IsAWriteFailureNamingTheStoreWithoutItsPassword()
    {
        using var server = new PostgresServer();
        string db = server.CreateDatabase();
        using var store = PostgresStore.Open(server.Url(db, withPassword: true), retryFor: TimeSpan.FromSeconds(1));
        var p = store.UpsertProcess(new Processes.ProcessIdentity(1, 1), "node", "node a.js", T0, null, T0);
        server.Stop();
        var e = Should.Throw<StoreException>(() => store.AddSamples(Batch(p.Id, 0)));
        e.Problem.ShouldBe(StoreProblem.Unreachable);
        e.IsWriteFailure.ShouldBeTrue();
        e.Message.ShouldStartWith($"cannot write store {server.Url(db)}: ");
        e.Message.ShouldNotContain(server.Password);
    }

    [ContractFact]
    public void Open_NothingListening_ThrowsOneLineUnreachable()
    {
        string url = $"postgresql://heapdog:secret-pw@127.0.0.1:{LoopbackPort.Free()}/nowhere";
        var e = Should.Throw<StoreException>(() => PostgresStore.Open(url));
        e.Problem.ShouldBe(StoreProblem.Unreachable);
        e.Message.ShouldContain("cannot open store postgresql://heapdog@127.0.0.1:");
        e.Message.ShouldNotContain("secret-pw");
        e.Message.ShouldNotContain("\n");
    }

    [ContractFact]
    public void Open_WrongPassword_RefusedWithoutShowingIt()
    {
        string db = postgres.Server.CreateDatabase();
        string url = postgres.Server.Url(db).Replace("heapdog@", "heapdog:not-the-password@", StringComparison.Ordinal);
        var e = Should.Throw<StoreException>(() => PostgresStore.Open(url));
        e.Problem.ShouldBe(StoreProblem.Unreachable);
        e.Message.ShouldContain("password authentication failed");
        e.Message.ShouldNotContain("not-the-password");
    }

    [ContractFact]
    public void Open_PasswordFromPgpassword_Connects()
    {
        string db = postgres.Server.CreateDatabase();
        string? old = Environment.GetEnvironmentVariable("PGPASSWORD");
        Environment.SetEnvironmentVariable("PGPASSWORD", postgres.Server.Password);
        try
        {
            using var store = PostgresStore.Open(postgres.Server.Url(db));
            store.Location.ShouldBe(postgres.Server.Url(db));
            store.SchemaVersion.ShouldBe(StoreMigrations.Latest);
        }
        finally
        {
            Environment.SetEnvironmentVariable("PGPASSWORD", old);
        }
    }

    [ContractFact]
    public void Open_KeyValueForm_Connects()
    {
        string db = postgres.Server.CreateDatabase();
        using var store = PostgresStore.Open($"Host=127.0.0.1;Port={postgres.Server.Port};Username=heapdog;Password={postgres.Server.Password};Database={db}");
        store.Location.ShouldBe(postgres.Server.Url(db));
        store.SchemaVersion.ShouldBe(StoreMigrations.Latest);
    }

    [ContractFact]
    public void Open_SchemaFromANewerHeapdog_RefusesWithOneLine()
    {
        string db = postgres.Server.CreateDatabase();
        using (PostgresStore.Open(postgres.Server.Url(db, withPassword: true))) { }
        postgres.Server.Psql("INSERT INTO schema_version VALUES (99, 0, 'future')", db);
        var e = Should.Throw<StoreException>(() => PostgresStore.Open(postgres.Server.Url(db, withPassword: true)));
        e.Message.ShouldContain("schema version 99");
        e.Message.ShouldNotContain(postgres.Server.Password);
    }

    [ContractFact]
    public void Open_StoreOfStep3_UpgradedToTheFleetKeepingItsProcessesAsLocal()
    {
        string db = postgres.Server.CreateDatabase();
        postgres.Server.Psql("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL, description TEXT NOT NULL)", db);
        foreach (var (version, sql) in PostgresMigrations.Steps.Where(s => s.Version <= 3))
            postgres.Server.Psql(sql + $"; INSERT INTO schema_version VALUES ({version}, 0, 'v{version}')", db);
        postgres.Server.Psql("""
            INSERT INTO processes (pid, start_ticks, start_time_ms, name, command_line, first_seen_ms, last_seen_ms) VALUES (7, 1, 1000, 'node', 'node x.js', 1000, 2000);
            INSERT INTO samples (process_id, time_ms, rss) VALUES (1, 2000, 123)
            """, db);

        using var store = PostgresStore.Open(postgres.Server.Url(db, withPassword: true));

        store.SchemaVersion.ShouldBe(StoreMigrations.Latest);
        var process = store.Processes().ShouldHaveSingleItem();
        (process.Host, process.Container, process.Pod).ShouldBe(("", (string?)null, (string?)null));
        store.FindByPid(7).ShouldHaveSingleItem().Id.ShouldBe(process.Process.Id);
        store.ReadSamples(process.Process.Id).ShouldHaveSingleItem().Rss.ShouldBe(123);
        // The old key (pid, start time) is gone: the same pid and start on an agent's host is another process.
        store.ApplyBatch("tok", new Fleet.AgentBatch("agent-a", 1, "h1", "1.0", 2000, 0, SampleColumnNames.All,
            [new Fleet.BatchProcess(1, 7, 1, 1000, "node", "node x.js", null, null, null, 1000, 2000)], [], [], [], []), 3000).Applied.ShouldBeTrue();
        store.Processes().Select(p => p.Host).Order().ShouldBe(["", "h1"]);
    }
}
