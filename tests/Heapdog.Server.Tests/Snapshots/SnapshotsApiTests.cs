using System.Net;
using System.Text.Json;
using Heapdog.Server.Tests.Hosting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Inspect;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Server.Tests.Snapshots;

/// <summary>Uploads, analyses and the snapshot routes, compared with the reports the commands print. A real server in-process (<see cref="DashboardApplication"/>), a real SQLite file, real Node processes.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class SnapshotsApiTests(SnapshotFixtures fixtures)
{
    [Fact]
    public async Task Upload_RealSnapshot_AnalysedWithTheNumbersOfAnalyze()
    {
        string file = fixtures.Get("features.js");
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId);

        await using var body = File.OpenRead(file);
        var accepted = await server.PostJsonAsync("api/snapshots?name=features.heapsnapshot", DashboardApplication.Upload(new StreamContent(body)));
        long snapshotId = accepted.GetProperty("snapshot").GetProperty("id").GetInt64();
        var job = await server.WaitForJobAsync(accepted.GetProperty("job").GetProperty("id").GetInt64());
        job.GetProperty("state").GetString().ShouldBe("done", job.ToString());

        var record = await server.GetJsonAsync($"api/snapshots/{snapshotId}");
        record.GetProperty("state").GetString().ShouldBe("ready");
        record.GetProperty("source").GetString().ShouldBe("upload");
        record.GetProperty("bytes").GetInt64().ShouldBe(new FileInfo(file).Length);
        var stored = Directory.GetFiles(Path.Combine(dir.Path, "snapshots"), "*.heapsnapshot").ShouldHaveSingleItem();
        (await File.ReadAllBytesAsync(stored)).ShouldBe(await File.ReadAllBytesAsync(file));
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only under the default umask: the snapshot, its index (the whole string table) and their directory.
            File.GetUnixFileMode(Path.Combine(dir.Path, "snapshots")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            File.GetUnixFileMode(stored).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
            File.GetUnixFileMode(stored + ".hdx").ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var summary = await server.GetJsonAsync($"api/snapshots/{snapshotId}/summary?top=0&objects=10");
        // What `heapdog analyze FILE --json --top 0 --objects 10` prints (AnalyzeCommandTests pins the command to it).
        var analysis = SnapshotOpener.Open(file, WorkProgress.Quiet, CancellationToken.None);
        var report = AnalyzeResult.Build(analysis, new AnalyzeQuery(Top: 0, Objects: 10), file, TimeSpan.Zero, TimeSpan.Zero);
        var expected = JsonDocument.Parse(ReportJson.Serialize(report, HeapdogJsonContext.Default.AnalyzeResult)).RootElement;
        foreach (var field in new[] { "summary", "statistics", "largestObjects", "nodeCount", "edgeCount", "totalSize", "classCount" })
            summary.GetProperty(field).GetRawText().ShouldBe(expected.GetProperty(field).GetRawText(), field);

        // A class's objects, largest retained first, and one object's page through its @id.
        var firstClass = summary.GetProperty("summary")[0];
        var members = await server.GetJsonAsync($"api/snapshots/{snapshotId}/classes/objects?classKey={Uri.EscapeDataString(firstClass.GetProperty("classKey").GetString()!)}&limit=5");
        members.GetProperty("count").GetInt64().ShouldBe(firstClass.GetProperty("count").GetInt64());
        var sizes = members.GetProperty("objects").EnumerateArray().Select(o => o.GetProperty("retainedSize").GetInt64()).ToList();
        sizes.ShouldBe(sizes.OrderDescending().ToList());
        long objectId = summary.GetProperty("largestObjects")[0].GetProperty("id").GetInt64();
        var inspect = await server.GetJsonAsync($"api/snapshots/{snapshotId}/objects/@{objectId}");
        inspect.GetProperty("object").GetProperty("id").GetInt64().ShouldBe(objectId);
        // What `heapdog inspect FILE @ID --json --limit 100` prints.
        string expectedInspect = ReportJson.Serialize(InspectResult.Build(analysis, file, $"@{objectId}", 100), HeapdogJsonContext.Default.InspectResult);
        inspect.GetRawText().ShouldBe(JsonDocument.Parse(expectedInspect).RootElement.GetRawText());
        var paths = await server.GetJsonAsync($"api/snapshots/{snapshotId}/objects/{objectId}/paths?k=3");
        paths.GetProperty("paths").GetArrayLength().ShouldBeGreaterThan(0);
        var tree = await server.GetJsonAsync($"api/snapshots/{snapshotId}/dominators?of=@{objectId}&depth=1");
        tree.GetProperty("root").GetProperty("object").GetProperty("id").GetInt64().ShouldBe(objectId);
        (await server.GetJsonAsync($"api/snapshots/{snapshotId}/objects/@4294967295", HttpStatusCode.NotFound)).GetProperty("error").GetString()!.ShouldContain("no object @4294967295");
        await server.GetJsonAsync($"api/snapshots/{snapshotId}/objects/banana", HttpStatusCode.BadRequest);

        (await server.Http.DeleteAsync($"api/snapshots/{snapshotId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        File.Exists(stored).ShouldBeFalse();
        await server.GetJsonAsync($"api/snapshots/{snapshotId}", HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Upload_BadInput_RefusedWithOneLineAndNothingKept()
    {
        string file = fixtures.Get("small.js");
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, maxUploadBytes: 2L << 20);
        string snapshots = Path.Combine(dir.Path, "snapshots");

        var notSnapshot = await server.PostJsonAsync("api/snapshots?name=notes.txt", DashboardApplication.Upload(new StringContent("hello, this is not a heap snapshot")), HttpStatusCode.BadRequest);
        notSnapshot.GetProperty("error").GetString().ShouldBe("'notes.txt' is not a heap snapshot: it does not start with {\"snapshot\"");

        var tooBig = await server.PostJsonAsync("api/snapshots?name=big.heapsnapshot", DashboardApplication.Upload(new ByteArrayContent(new byte[3 << 20])), HttpStatusCode.RequestEntityTooLarge);
        tooBig.GetProperty("error").GetString()!.ShouldContain("larger than the limit");
        Directory.GetFiles(snapshots).ShouldBeEmpty();
        (await server.GetJsonAsync("api/snapshots")).GetArrayLength().ShouldBe(0);

        // Truncated: accepted (its start is a snapshot's), then its analysis fails and says where.
        byte[] whole = await File.ReadAllBytesAsync(file);
        var accepted = await server.PostJsonAsync("api/snapshots?name=cut.heapsnapshot", DashboardApplication.Upload(new ByteArrayContent(whole[..(whole.Length / 2)])));
        var job = await server.WaitForJobAsync(accepted.GetProperty("job").GetProperty("id").GetInt64());
        job.GetProperty("state").GetString().ShouldBe("failed");
        job.GetProperty("error").GetString()!.ShouldMatch("byte [0-9]+");
        long id = accepted.GetProperty("snapshot").GetProperty("id").GetInt64();
        var record = await server.GetJsonAsync($"api/snapshots/{id}");
        record.GetProperty("state").GetString().ShouldBe("failed");
        (await server.GetJsonAsync($"api/snapshots/{id}/summary", (HttpStatusCode)422)).GetProperty("error").GetString()!.ShouldContain("could not be analysed");
    }
}
