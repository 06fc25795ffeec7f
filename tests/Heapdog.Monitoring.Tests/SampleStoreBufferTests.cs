using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Tests;

/// <summary>The agent's buffer (always a SQLite file): its batch in flight, its acknowledgement, its bound. The server's side
/// of the fleet is <see cref="Store.FleetStoreContractTests"/>, run on both stores.</summary>
public sealed class SampleStoreBufferTests
{
    private const long T0 = 1_750_000_000_000;

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
