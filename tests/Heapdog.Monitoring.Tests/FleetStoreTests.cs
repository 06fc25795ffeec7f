using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Tests;

/// <summary>The server's fleet operations on a real SQLite store: batches applied once, hosts owned by one token, the same
/// pid on two hosts kept apart; and the agent's buffer: its batch in flight, its acknowledgement, its bound.</summary>
public sealed class FleetStoreTests
{
    private const long T0 = 1_750_000_000_000;

    private static AgentBatch Batch(long sequence, string host = "h1", int pid = 100, params long[] times) => new(
        "agent-a", sequence, host, "1.0", T0, 0, SampleColumnNames.All,
        [new BatchProcess(1, pid, 42, T0 - 60_000, "node", "node app.js", null, "c0ffee", "web-0", T0, T0 + 10_000)],
        [.. times.Select(t => new BatchRow(1, t, 1, [.. SampleColumnNames.All.Select(_ => 5.0)]))], [],
        [new BatchEvent(1, T0 + 1, EventKind.Exited, "{}")], [new BatchVerdict(1, T0, "{\"status\":\"steady\"}")]);

    [Fact]
    public void ApplyBatch_SameSequenceTwice_AppliedOnce()
    {
        using var dir = new TempDirectory();
        using var store = SampleStore.Open(dir.File("s.db"));
        var fleet = new FleetStore(store.Path);

        fleet.ApplyBatch("tok", Batch(1, times: [T0, T0 + 1000]), T0).ShouldBe(new BatchOutcome(true, 1));
        fleet.ApplyBatch("tok", Batch(1, times: [T0, T0 + 1000]), T0).ShouldBe(new BatchOutcome(false, 1));
        fleet.ApplyBatch("tok", Batch(2, times: [T0 + 2000]), T0).ShouldBe(new BatchOutcome(true, 2));

        var process = new DashboardStore(store.Path).Processes().ShouldHaveSingleItem();
        (process.Host, process.Container, process.Pod).ShouldBe(("h1", "c0ffee", "web-0"));
        store.CountSamples(process.Process.Id).ShouldBe(3);
        store.ReadEvents(process.Process.Id).Count.ShouldBe(2); // one per applied batch, none for the retry
        fleet.Verdicts()[process.Process.Id].ShouldContain("steady");
        fleet.Hosts(0).ShouldHaveSingleItem().Name.ShouldBe("h1");
    }

    [Fact]
    public void ApplyBatch_HostOfAnotherToken_RefusedAndNothingWritten()
    {
        using var dir = new TempDirectory();
        using var store = SampleStore.Open(dir.File("s.db"));
        var fleet = new FleetStore(store.Path);
        fleet.ApplyBatch("tok", Batch(1, times: [T0]), T0);

        Should.Throw<HostClaimedException>(() => fleet.ApplyBatch("other", Batch(2, times: [T0 + 1000]), T0)).Message.ShouldContain("'tok'");
        store.CountSamples().ShouldBe(1);
    }

    [Fact]
    public void ApplyBatch_SamePidOnTwoHostsAndLocally_ThreeProcesses()
    {
        using var dir = new TempDirectory();
        using var store = SampleStore.Open(dir.File("s.db"));
        var fleet = new FleetStore(store.Path);
        store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0 - 60_000, null, T0);
        fleet.ApplyBatch("a", Batch(1, "h1", times: [T0]), T0);
        fleet.ApplyBatch("b", Batch(1, "h2", times: [T0]) with { AgentId = "agent-b" }, T0);

        new DashboardStore(store.Path).Processes().Select(p => p.Host).Order().ShouldBe(["", "h1", "h2"]);
        store.FindByPid(100).ShouldHaveSingleItem(); // a pid names a process of this host only
    }

    [Fact]
    public void NextBatch_InFlight_SameBoundsUntilAcknowledged()
    {
        using var dir = new TempDirectory();
        using var buffer = SampleStore.Open(dir.File("agent.db"));
        var p = buffer.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0 - 60_000, null, T0);
        buffer.AddSamples([(p.Id, new Sample { TimeMs = T0 }), (p.Id, new Sample { TimeMs = T0 + 1000 })]);

        var first = buffer.NextBatch(1000);
        buffer.AddSamples([(p.Id, new Sample { TimeMs = T0 + 2000 })]);
        buffer.NextBatch(1000).ShouldBe(first); // the retry of a batch is the same batch
        buffer.ReadBatch(first).Samples.Count.ShouldBe(2);

        buffer.Acknowledge(first, first.Sequence);
        var second = buffer.NextBatch(1000);
        second.Sequence.ShouldBe(first.Sequence + 1);
        buffer.ReadBatch(second).Samples.ShouldHaveSingleItem().TimeMs.ShouldBe(T0 + 2000);
    }

    [Fact]
    public void BoundRawSamples_OverTheBound_OldestMinutesRolledUpAndLossCounted()
    {
        using var dir = new TempDirectory();
        using var buffer = SampleStore.Open(dir.File("agent.db"));
        var p = buffer.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", T0 - 60_000, null, T0);
        long start = T0 / 60_000 * 60_000;
        buffer.AddSamples([.. Enumerable.Range(0, 600).Select(i => (p.Id, new Sample { TimeMs = start + i * 1000L, Rss = 1000 + i }))]);

        long dropped = buffer.BoundRawSamples(200);

        dropped.ShouldBeGreaterThanOrEqualTo(400);
        (dropped % 60).ShouldBe(0); // whole minutes
        buffer.LostSamples.ShouldBe(dropped);
        buffer.BufferedSamples.ShouldBe(600 - dropped);
        var batch = buffer.ReadBatch(buffer.NextBatch(10_000));
        batch.Minutes.Count.ShouldBe((int)(dropped / 60)); // the minutes are kept, as rollups, and shipped
        batch.Minutes.ShouldAllBe(m => m.Count == 60);
        buffer.BoundRawSamples(200).ShouldBe(0); // the batch in flight is spared
    }
}
