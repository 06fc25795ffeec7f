using System.Net;
using System.Text.Json;
using Heapdog.Server.Tests.Hosting;

namespace Heapdog.Server.Tests.Actions;

/// <summary>Captures, hunts and the runtime probe on real Node services. A real server in-process (<see cref="DashboardApplication"/>), a real SQLite file, real Node processes.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class ActionsApiTests
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    [Fact]
    public async Task Capture_LeakingService_SnapshotsCompareAndHuntNamesTheLeak()
    {
        using var target = new NodeProgram("leaky-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid, interval: TimeSpan.FromMilliseconds(500));
        var process = (await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1))[0];
        long id = process.GetProperty("id").GetInt64();

        var captures = new List<long>();
        for (int i = 0; i < 2; i++)
        {
            var job = await server.WaitForJobAsync((await server.PostJsonAsync($"api/processes/{id}/snapshot")).GetProperty("job").GetProperty("id").GetInt64());
            job.GetProperty("state").GetString().ShouldBe("done", job.ToString());
            captures.Add(job.GetProperty("result").GetProperty("snapshotId").GetInt64());
        }
        var compare = await server.GetJsonAsync($"api/snapshots/{captures[1]}/compare?base={captures[0]}");
        compare.GetProperty("classes").GetArrayLength().ShouldBeGreaterThan(0);
        var events = await server.GetJsonAsync($"api/processes/{id}/events");
        events.EnumerateArray().Count(e => e.GetProperty("kind").GetString() == "snapshot").ShouldBe(2);

        var hunt = await server.PostJsonAsync($"api/processes/{id}/hunt?count=3&interval=2s");
        var done = await server.WaitForJobAsync(hunt.GetProperty("job").GetProperty("id").GetInt64(), TimeSpan.FromMinutes(2));
        done.GetProperty("state").GetString().ShouldBe("done", done.ToString());
        done.GetProperty("snapshotIds").GetArrayLength().ShouldBe(3);
        var suspects = done.GetProperty("result").GetProperty("suspects").EnumerateArray().ToList();
        suspects.ShouldContain(s => s.GetProperty("propertyPath").GetString() == "sentEvents");
        (await target.GetAsync()).ShouldNotBeEmpty(); // still serving

        // The same report on demand over the hunt's snapshots. Three do not fit in memory at once (--loaded 2), but
        // each analysis left an index beside its snapshot, so the server reopens them and answers at once.
        string ids = string.Join(",", done.GetProperty("snapshotIds").EnumerateArray().Select(e => e.GetInt64()));
        string snapshots = Path.Combine(dir.Path, "snapshots");
        Directory.GetFiles(snapshots, "*.heapsnapshot.hdx").Length.ShouldBe(5);
        var report = await server.GetJsonAsync($"api/leaks?snapshots={ids}");
        report.GetProperty("suspects").EnumerateArray().ShouldContain(s => s.GetProperty("propertyPath").GetString() == "sentEvents");
        // Without the indexes, the one not in memory is analysed again: the answer is a job whose result is the report.
        foreach (var index in Directory.GetFiles(snapshots, "*.hdx")) File.Delete(index);
        var leaksJob = await server.GetJsonAsync($"api/leaks?snapshots={ids}", HttpStatusCode.Accepted);
        var leaks = await server.WaitForJobAsync(leaksJob.GetProperty("job").GetProperty("id").GetInt64());
        leaks.GetProperty("state").GetString().ShouldBe("done", leaks.ToString());
        leaks.GetProperty("result").GetProperty("suspects").EnumerateArray().ShouldContain(s => s.GetProperty("propertyPath").GetString() == "sentEvents");
        // An unknown base is named in the error.
        (await server.GetJsonAsync($"api/snapshots/{captures[1]}/compare?base=999", HttpStatusCode.NotFound)).GetProperty("error").GetString().ShouldBe("no snapshot 999");
    }

    [Fact]
    public async Task Hunt_Allocations_SuspectsCarryAllocationStacksAndTheSessionGoesOn()
    {
        // Without TurboFan's inlining, so publishEvent stays a frame of its own however early V8 optimises its caller;
        // without compaction, which makes V8 lose the stacks of the objects it moves (docs/hunt.md, "Stacks V8 loses").
        using var target = new NodeProgram("leaky-service.js", flags: ["--inspect-port=0", "--no-turbo-inlining", "--no-compact"]);
        await target.PortAsync();
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid, interval: TimeSpan.FromMilliseconds(500));
        long id = (await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1))[0].GetProperty("id").GetInt64();

        var hunt = await server.PostJsonAsync($"api/processes/{id}/hunt?count=2&interval=2s&allocations=true");
        var done = await server.WaitForJobAsync(hunt.GetProperty("job").GetProperty("id").GetInt64(), TimeSpan.FromMinutes(2));

        done.GetProperty("state").GetString().ShouldBe("done", done.ToString());
        done.GetProperty("snapshotIds").GetArrayLength().ShouldBe(2); // stopping the tracker took the last one, no extra
        var events = done.GetProperty("result").GetProperty("suspects").EnumerateArray()
            .First(s => s.GetProperty("propertyPath").GetString() == "sentEvents");
        var frames = events.GetProperty("allocatedAt").EnumerateArray().SelectMany(a => a.GetProperty("frames").EnumerateArray())
            .Select(f => f.GetProperty("function").GetString()).ToList();
        frames.ShouldContain("publishEvent", events.ToString());
        // The statement inside publishEvent (which starts on line 23) that stores the event, read from the target's file.
        var stored = events.GetProperty("storedAt");
        (stored.GetProperty("line").GetInt32(), stored.GetProperty("text").GetString()).ShouldBe((25, "sentEvents.push(event);"), events.ToString());
        // The dashboard keeps its session: after the tracker stopped, a plain snapshot over it still works.
        var capture = await server.WaitForJobAsync((await server.PostJsonAsync($"api/processes/{id}/snapshot")).GetProperty("job").GetProperty("id").GetInt64());
        capture.GetProperty("state").GetString().ShouldBe("done", capture.ToString());
        (await target.GetAsync()).ShouldNotBeEmpty();
    }

    [Fact]
    public async Task Serve_Runtime_HeapFiguresLimitAndMetrics_CaptureSharesTheProbeSession()
    {
        using var target = new NodeProgram("leaky-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid, interval: TimeSpan.FromMilliseconds(500), runtime: true);

        var process = (await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1
            && p[0].GetProperty("last") is { ValueKind: JsonValueKind.Object } last && last.GetProperty("heapUsed").ValueKind == JsonValueKind.Number))[0];
        var figures = process.GetProperty("last");
        figures.GetProperty("heapTotal").GetInt64().ShouldBeGreaterThanOrEqualTo(figures.GetProperty("heapUsed").GetInt64());
        process.GetProperty("limit").GetProperty("kind").GetString().ShouldBe("heap");
        process.GetProperty("limit").GetProperty("bytes").GetInt64().ShouldBe(figures.GetProperty("heapLimit").GetInt64());
        string metrics = await server.Http.GetStringAsync("metrics");
        metrics.ShouldMatch($"nodejs_heap_size_used_bytes\\{{pid=\"{target.Pid}\",app=\"node\",host=\"{Environment.MachineName}\"\\}} [1-9][0-9]*\n");
        metrics.ShouldMatch($"heapdog_heap_used_ratio\\{{pid=\"{target.Pid}\",app=\"node\",host=\"{Environment.MachineName}\"\\}} 0\\.[0-9]+");

        long id = process.GetProperty("id").GetInt64();
        var job = await server.WaitForJobAsync((await server.PostJsonAsync($"api/processes/{id}/snapshot")).GetProperty("job").GetProperty("id").GetInt64());
        job.GetProperty("state").GetString().ShouldBe("done", job.ToString());
        // The probe goes on reading through the same session after the capture.
        long before = (await server.GetJsonAsync($"api/processes/{id}")).GetProperty("last").GetProperty("timeMs").GetInt64();
        await server.WaitForAsync($"api/processes/{id}", p => p.GetProperty("last").GetProperty("timeMs").GetInt64() > before
            && p.GetProperty("last").GetProperty("heapUsed").ValueKind == JsonValueKind.Number);
    }

    [Fact]
    public async Task Actions_ExitedProcess_RefusedWithConflict()
    {
        var target = new NodeProgram("healthy-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid, interval: TimeSpan.FromMilliseconds(200));
        long id = (await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1))[0].GetProperty("id").GetInt64();
        target.Dispose();
        await server.WaitForAsync($"api/processes/{id}", p => !p.GetProperty("alive").GetBoolean());
        var refused = await server.PostJsonAsync($"api/processes/{id}/snapshot", expected: HttpStatusCode.Conflict);
        refused.GetProperty("error").GetString()!.ShouldContain("has exited");
        var events = await server.GetJsonAsync($"api/processes/{id}/events");
        events.EnumerateArray().ShouldContain(e => e.GetProperty("kind").GetString() == "exited");
        (await server.GetJsonAsync("api/health")).GetProperty("watching").GetInt32().ShouldBe(0);
    }
}
