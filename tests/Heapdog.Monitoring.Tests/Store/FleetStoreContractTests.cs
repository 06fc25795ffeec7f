using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Tests.Store;

/// <summary>
/// The fleet's store contract (<see cref="IFleetStore"/>), run once on a real SQLite file and once on a real PostgreSQL:
/// batches applied once, hosts owned by one token, the same pid on two hosts kept apart, tokens kept as hashes.
/// </summary>
public abstract class FleetStoreContractTests : IDisposable
{
    private const long T0 = 1_750_000_000_000;

    private readonly List<ISampleStore> _opened = [];

    /// <summary>Opens this test's store: created and migrated the first time, the same store again after.</summary>
    protected abstract ISampleStore OpenStore();

    private ISampleStore Open()
    {
        var store = OpenStore();
        _opened.Add(store);
        return store;
    }

    private static AgentBatch Batch(long sequence, string host = "h1", int pid = 100, params long[] times) => new(
        "agent-a", sequence, host, "1.0", T0, 0, SampleColumnNames.All,
        [new BatchProcess(1, pid, 42, T0 - 60_000, "node", "node app.js", null, "c0ffee", "web-0", T0, T0 + 10_000)],
        [.. times.Select(t => new BatchRow(1, t, 1, [.. SampleColumnNames.All.Select(_ => 5.0)]))], [],
        [new BatchEvent(1, T0 + 1, EventKind.Exited, "{}")], [new BatchVerdict(1, T0, "{\"status\":\"steady\"}")]);

    [ContractFact]
    public void ApplyBatch_SameSequenceTwice_AppliedOnce()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);

        fleet.ApplyBatch("tok", Batch(1, times: [T0, T0 + 1000]), T0).ShouldBe(new BatchOutcome(true, 1));
        fleet.ApplyBatch("tok", Batch(1, times: [T0, T0 + 1000]), T0).ShouldBe(new BatchOutcome(false, 1));
        fleet.ApplyBatch("tok", Batch(2, times: [T0 + 2000]), T0).ShouldBe(new BatchOutcome(true, 2));

        var process = Stores.DashboardOf(store).Processes().ShouldHaveSingleItem();
        (process.Host, process.Container, process.Pod).ShouldBe(("h1", "c0ffee", "web-0"));
        store.CountSamples(process.Process.Id).ShouldBe(3);
        store.ReadEvents(process.Process.Id).Count.ShouldBe(2); // one per applied batch, none for the retry
        fleet.Verdicts()[process.Process.Id].ShouldContain("steady");
        fleet.Hosts(0).ShouldHaveSingleItem().Name.ShouldBe("h1");
    }

    [ContractFact]
    public void ApplyBatch_RowsAndRollups_ReadBackAsTheAgentSentThem()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);
        long minute = T0 / 60_000 * 60_000 - 120_000;
        var values = SampleColumnNames.All.Select((_, i) => (double)(i + 1)).ToList();
        fleet.ApplyBatch("tok", Batch(1, times: [T0]) with
        {
            // A column this Heapdog does not know (a newer agent's) is left out, the others kept.
            Columns = [.. SampleColumnNames.All, "future_column"],
            Samples = [new BatchRow(1, T0, 1, [.. values, 77])],
            Minutes = [new BatchRow(1, minute, 60, [.. values, 77])],
        }, T0);

        long id = Stores.DashboardOf(store).Processes().ShouldHaveSingleItem().Process.Id;
        var rows = store.ReadSamples(id);
        rows.Count.ShouldBe(2);
        rows[0].TimeMs.ShouldBe(minute + 30_000); // the rollup, at its mid-minute
        rows[1].TimeMs.ShouldBe(T0);
        rows.ShouldAllBe(s => s.Rss == values[SampleColumnNames.All.ToList().IndexOf("rss")]);
    }

    [ContractFact]
    public void ApplyBatch_HostOfAnotherToken_RefusedAndNothingWritten()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);
        fleet.ApplyBatch("tok", Batch(1, times: [T0]), T0);

        Should.Throw<HostClaimedException>(() => fleet.ApplyBatch("other", Batch(2, times: [T0 + 1000]), T0)).Message.ShouldContain("'tok'");
        store.CountSamples().ShouldBe(1);
        fleet.Hosts(0).ShouldHaveSingleItem().Agent.ShouldBe("tok");
    }

    [ContractFact]
    public void ApplyBatch_RowOfAnUndescribedProcess_InvalidAndNothingWritten()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);
        var batch = Batch(1, times: [T0]) with { Samples = [new BatchRow(9, T0, 1, [.. SampleColumnNames.All.Select(_ => 1.0)])] };

        Should.Throw<InvalidDataException>(() => fleet.ApplyBatch("tok", batch, T0)).Message.ShouldContain("process 9");
        store.CountSamples().ShouldBe(0);
        fleet.Hosts(0).ShouldBeEmpty();
        fleet.ApplyBatch("tok", Batch(1, times: [T0]), T0).Applied.ShouldBeTrue(); // its sequence was not recorded either
    }

    [ContractFact]
    public void ApplyBatch_FromAnAgentsBuffer_ContainerAndPodKept()
    {
        using var dir = new TempDirectory();
        using var buffer = SampleStore.Open(dir.File("agent.db"));
        var p = buffer.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0 - 60_000, null, T0, new ProcessPlace("api", "shop/checkout-1"));
        buffer.AddSamples([(p.Id, new Sample { TimeMs = T0 })]);
        var bounds = buffer.NextBatch(1000);
        var (processes, samples, minutes, events) = buffer.ReadBatch(bounds);
        using var store = Open();

        Stores.FleetOf(store).ApplyBatch("tok", new AgentBatch("agent-a", bounds.Sequence, "h1", "1.0", T0, 0, SampleColumnNames.All,
            processes, samples, minutes, events, []), T0).Applied.ShouldBeTrue();

        var stored = Stores.DashboardOf(store).Processes().ShouldHaveSingleItem();
        (stored.Host, stored.Container, stored.Pod).ShouldBe(("h1", "api", "shop/checkout-1"));
    }

    [ContractFact]
    public void ApplyBatch_SamePidOnTwoHostsAndLocally_ThreeProcesses()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);
        store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0 - 60_000, null, T0);
        fleet.ApplyBatch("a", Batch(1, "h1", times: [T0]), T0);
        fleet.ApplyBatch("b", Batch(1, "h2", times: [T0]) with { AgentId = "agent-b" }, T0);

        Stores.DashboardOf(store).Processes().Select(p => p.Host).Order().ShouldBe(["", "h1", "h2"]);
        store.FindByPid(100).ShouldHaveSingleItem(); // a pid names a process of this host only
        store.FindAlive(100, T0, 5000).ShouldNotBeNull().Id.ShouldBe(store.FindByPid(100)[0].Id);
        // The local watcher's process again is the local row, not a host's.
        store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0 - 60_000, null, T0 + 1000).Id.ShouldBe(store.FindByPid(100)[0].Id);
        Stores.DashboardOf(store).Processes().Count.ShouldBe(3);
    }

    [ContractFact]
    public void Hosts_ExitedProcess_NotCountedAsRunning()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);
        var batch = Batch(1, times: [T0]) with
        {
            Processes = [.. Batch(1).Processes, new BatchProcess(2, 200, 43, T0 - 60_000, "node", "node worker.js", null, null, null, T0, T0 + 10_000)],
            Events = [new BatchEvent(1, T0 + 1, EventKind.Exited, "{}")],
        };
        fleet.ApplyBatch("tok", batch, T0 + 20_000);

        var host = fleet.Hosts(T0).ShouldHaveSingleItem();
        host.Processes.ShouldBe(1);
        host.LastSeenMs.ShouldBe(T0 + 20_000);
        fleet.Hosts(T0 + 11_000).ShouldHaveSingleItem().Processes.ShouldBe(0); // none seen since
    }

    [ContractFact]
    public void AddToken_InUseRevokedAndMadeAgain_OnlyHashesKept()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);
        byte[] first = [1, 2, 3], second = [4, 5, 6];

        fleet.AddToken("edge", first, T0).ShouldBeTrue();
        fleet.AddToken("edge", second, T0 + 1).ShouldBeFalse(); // in use
        fleet.Tokens().ShouldHaveSingleItem().Hash.ShouldBe(first);
        fleet.RevokeToken("edge", T0 + 2).ShouldBeTrue();
        fleet.RevokeToken("edge", T0 + 3).ShouldBeFalse();
        fleet.Tokens().ShouldHaveSingleItem().RevokedMs.ShouldBe(T0 + 2);

        fleet.AddToken("edge", second, T0 + 4).ShouldBeTrue();
        var token = fleet.Tokens().ShouldHaveSingleItem();
        token.Hash.ShouldBe(second);
        (token.CreatedMs, token.RevokedMs, token.LastUsedMs).ShouldBe((T0 + 4, (long?)null, (long?)null));
        fleet.ApplyBatch("edge", Batch(1, times: [T0]), T0 + 5);
        fleet.Tokens().ShouldHaveSingleItem().LastUsedMs.ShouldBe(T0 + 5);
    }

    [ContractFact]
    public void SaveRemoteJob_ChangedAndReopened_ReadBackAsLastSaved()
    {
        var queued = new RemoteJobRecord(7, "h1", 3, "capture", 100, T0 - 60_000, "{\"id\":7}", RemoteJobState.Queued, 0, T0);
        var uploading = queued with { State = RemoteJobState.Running, Attempts = 1, UploadOffset = 4 << 20 };
        var hunt = new RemoteJobRecord(8, "h2", null, "hunt", 200, T0, "{\"id\":8}", RemoteJobState.Done, 1, T0 + 1, T0 + 2, null, "{\"leaks\":[]}");
        using (var store = Open())
        {
            var fleet = Stores.FleetOf(store);
            fleet.SaveRemoteJob(queued);
            fleet.SaveRemoteJob(hunt);
            fleet.SaveRemoteJob(uploading);
        }

        using var again = Open();
        var uploaded = uploading with { State = RemoteJobState.Uploaded, UploadPath = "/s/a.heapsnapshot", UploadBytes = 5 << 20, Sha256 = "ab", SnapshotId = 4 };
        Stores.FleetOf(again).RemoteJobs().ShouldBe([uploading, hunt]);
        Stores.FleetOf(again).SaveRemoteJob(uploaded);
        Stores.FleetOf(again).RemoteJobs().ShouldBe([uploaded, hunt]);
    }

    [ContractFact]
    public void PruneRemoteJobs_ManyEnded_NewestEndedAndEveryUnfinishedKept()
    {
        using var store = Open();
        var fleet = Stores.FleetOf(store);
        string[] states = [RemoteJobState.Done, RemoteJobState.Running, RemoteJobState.Failed, RemoteJobState.Cancelled, RemoteJobState.Queued, RemoteJobState.Done];
        for (int i = 0; i < states.Length; i++)
            fleet.SaveRemoteJob(new RemoteJobRecord(i + 1, "h1", null, "hunt", 100, T0, "{}", states[i], 0, T0));

        fleet.PruneRemoteJobs(2).ShouldBe(2);
        fleet.RemoteJobs().Select(j => j.Id).ShouldBe([2L, 4, 5, 6]);
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        DisposeStore();
        GC.SuppressFinalize(this);
    }

    protected virtual void DisposeStore() { }
}
