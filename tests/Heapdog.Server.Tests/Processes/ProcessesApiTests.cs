using System.Net;
using System.Text.Json;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Heapdog.Server.Tests.Hosting;

namespace Heapdog.Server.Tests.Processes;

/// <summary>The processes API over a store written beforehand. A real server in-process (<see cref="DashboardApplication"/>), a real SQLite file, real Node processes.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class ProcessesApiTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    [Fact]
    public async Task Samples_LongRange_BucketsKeepingThePeakOfEachBucket()
    {
        using var target = new NodeProgram("healthy-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        // Ten minutes ago: recent enough that the store's retention keeps the raw samples.
        long t0 = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 600_000) / 1000 * 1000;
        long id;
        using (var store = SampleStore.Open(Path.Combine(dir.Path, "store.db")))
        {
            // 100 samples a second apart; rss rises by 1000 a sample but dips every other sample, so a mean would
            // not give the last sample's value of each bucket: only the maximum does.
            id = store.UpsertProcess(new ProcessIdentity(999_999, 1), "node", "node old.js", t0, null, t0 + 100_000).Id;
            store.AddSamples([.. Enumerable.Range(0, 100).Select(i => (id, new Sample { TimeMs = t0 + i * 1000L, Rss = i % 2 == 1 ? i * 1000L : 5 }))]);
        }
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid);

        var series = await server.GetJsonAsync($"api/processes/{id}/samples?from={t0}&to={t0 + 99_999}&points=10");
        series.GetProperty("stepMs").GetInt64().ShouldBe(10_000);
        series.GetProperty("points").GetInt32().ShouldBe(10);
        series.GetProperty("values")[1].EnumerateArray().Select(v => v.GetInt64()).ShouldBe(Enumerable.Range(0, 10).Select(b => (b * 10 + 9) * 1000L));
        series.GetProperty("values")[0].EnumerateArray().Select(v => v.GetInt64()).ShouldBe(Enumerable.Range(0, 10).Select(b => t0 + b * 10_000L));
        series.GetProperty("values")[2].EnumerateArray().ShouldAllBe(v => v.ValueKind == JsonValueKind.Null); // heapUsed never measured

        var raw = await server.GetJsonAsync($"api/processes/{id}/samples?from={t0}&to={t0 + 99_999}&points=5000");
        raw.GetProperty("points").GetInt32().ShouldBe(100);

        (await server.GetJsonAsync($"api/processes/{id}/samples?points=0", HttpStatusCode.BadRequest)).GetProperty("error").GetString()!.ShouldContain("points");
        await server.GetJsonAsync($"api/processes/{id}/samples?from=10&to=5", HttpStatusCode.BadRequest);
        await server.GetJsonAsync("api/processes/424242/samples", HttpStatusCode.NotFound);
        var old = await server.GetJsonAsync($"api/processes/{id}");
        old.GetProperty("alive").GetBoolean().ShouldBeFalse();
        old.GetProperty("last").GetProperty("rss").GetInt64().ShouldBe(99_000);
    }
}
