using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Cli.Tests.Serve;

/// <summary>The dashboard's API against a real <c>heapdog serve</c>, a real SQLite file and real Node processes.</summary>
[Collection(SnapshotCollection.Name)]
public sealed partial class ServeApiTests(SnapshotFixtures fixtures)
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    [Fact]
    public async Task Serve_WatchedService_ListsItWithSamplesAndMetrics()
    {
        using var target = new NodeProgram("healthy-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", target.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "300ms"]);

        var processes = await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1 && p[0].GetProperty("last").ValueKind == JsonValueKind.Object);
        var process = processes[0];
        process.GetProperty("pid").GetInt32().ShouldBe(target.Pid);
        process.GetProperty("alive").GetBoolean().ShouldBeTrue();
        process.GetProperty("last").GetProperty("rss").GetInt64().ShouldBeGreaterThan(1 << 20);
        process.GetProperty("limit").GetProperty("bytes").GetInt64().ShouldBeGreaterThan(0);
        long id = process.GetProperty("id").GetInt64();

        // 5000 points over the default hour: 720 ms buckets, so a few samples at 300 ms make several points.
        var series = await server.WaitForAsync($"api/processes/{id}/samples?points=5000", s => s.GetProperty("points").GetInt32() >= 4);
        var columns = series.GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToList();
        columns[0].ShouldBe("timeMs");
        var rss = series.GetProperty("values")[columns.IndexOf("rss")].EnumerateArray().ToList();
        rss.Count.ShouldBe(series.GetProperty("points").GetInt32());
        rss.ShouldAllBe(v => v.ValueKind == JsonValueKind.Number && v.GetInt64() > 0);
        var times = series.GetProperty("values")[0].EnumerateArray().Select(t => t.GetInt64()).ToList();
        times.ShouldBe(times.Order().ToList());

        string metrics = await server.Http.GetStringAsync("metrics");
        metrics.ShouldMatch($"process_resident_memory_bytes\\{{pid=\"{target.Pid}\",app=\"node\"\\}} [1-9][0-9]*\n");
        metrics.ShouldContain($"heapdog_process_up{{pid=\"{target.Pid}\",app=\"node\"}} 1");
        metrics.ShouldContain($"heapdog_oom_kills_total{{pid=\"{target.Pid}\",app=\"node\"}} 0");
        foreach (var line in metrics.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            ExpositionLine().IsMatch(line).ShouldBeTrue($"not Prometheus text: {line}");

        var openApi = await server.GetJsonAsync("openapi/v1.json");
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.ShouldContain("/api/processes/{id}/samples");
        paths.ShouldContain("/api/snapshots/{id}/summary");
        paths.ShouldContain("/api/jobs/{id}");

        string page = await server.Http.GetStringAsync("");
        page.ShouldContain("<div id=\"app\">");
        (await server.Http.GetAsync("api/nothing-here")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [GeneratedRegex("""^(# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+|[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"\n]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"\n]*")*\})? -?[0-9.e+E-]+)$""")]
    private static partial Regex ExpositionLine();

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
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", target.Pid.ToString(CultureInfo.InvariantCulture)]);

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

    [Fact]
    public async Task Upload_RealSnapshot_AnalysedWithTheNumbersOfAnalyze()
    {
        string file = fixtures.Get("features.js");
        using var dir = new TempDirectory();
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]);

        await using var body = File.OpenRead(file);
        var accepted = await server.PostJsonAsync("api/snapshots?name=features.heapsnapshot", new StreamContent(body));
        long snapshotId = accepted.GetProperty("snapshot").GetProperty("id").GetInt64();
        var job = await server.WaitForJobAsync(accepted.GetProperty("job").GetProperty("id").GetInt64());
        job.GetProperty("state").GetString().ShouldBe("done", job.ToString());

        var record = await server.GetJsonAsync($"api/snapshots/{snapshotId}");
        record.GetProperty("state").GetString().ShouldBe("ready");
        record.GetProperty("source").GetString().ShouldBe("upload");
        record.GetProperty("bytes").GetInt64().ShouldBe(new FileInfo(file).Length);
        var stored = Directory.GetFiles(Path.Combine(dir.Path, "snapshots"), "*.heapsnapshot").ShouldHaveSingleItem();
        (await File.ReadAllBytesAsync(stored)).ShouldBe(await File.ReadAllBytesAsync(file));

        var summary = await server.GetJsonAsync($"api/snapshots/{snapshotId}/summary?top=0&objects=10");
        var cli = await HeapdogCommand.RunAsync(dir.Path, "analyze", file, "--json", "--top", "0", "--objects", "10");
        cli.ExitCode.ShouldBe(0, cli.Stderr);
        var expected = JsonDocument.Parse(cli.Stdout).RootElement;
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
        var cliInspect = await HeapdogCommand.RunAsync(dir.Path, "inspect", file, $"@{objectId}", "--json", "--limit", "100");
        inspect.GetRawText().ShouldBe(JsonDocument.Parse(cliInspect.Stdout).RootElement.GetRawText());
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
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), "--max-upload", "2m"]);
        string snapshots = Path.Combine(dir.Path, "snapshots");

        var notSnapshot = await server.PostJsonAsync("api/snapshots?name=notes.txt", new StringContent("hello, this is not a heap snapshot"), HttpStatusCode.BadRequest);
        notSnapshot.GetProperty("error").GetString().ShouldBe("'notes.txt' is not a heap snapshot: it does not start with {\"snapshot\"");

        var tooBig = await server.PostJsonAsync("api/snapshots?name=big.heapsnapshot", new ByteArrayContent(new byte[3 << 20]), HttpStatusCode.RequestEntityTooLarge);
        tooBig.GetProperty("error").GetString()!.ShouldContain("larger than the limit");
        Directory.GetFiles(snapshots).ShouldBeEmpty();
        (await server.GetJsonAsync("api/snapshots")).GetArrayLength().ShouldBe(0);

        // Truncated: accepted (its start is a snapshot's), then its analysis fails and says where.
        byte[] whole = await File.ReadAllBytesAsync(file);
        var accepted = await server.PostJsonAsync("api/snapshots?name=cut.heapsnapshot", new ByteArrayContent(whole[..(whole.Length / 2)]));
        var job = await server.WaitForJobAsync(accepted.GetProperty("job").GetProperty("id").GetInt64());
        job.GetProperty("state").GetString().ShouldBe("failed");
        job.GetProperty("error").GetString()!.ShouldMatch("byte [0-9]+");
        long id = accepted.GetProperty("snapshot").GetProperty("id").GetInt64();
        var record = await server.GetJsonAsync($"api/snapshots/{id}");
        record.GetProperty("state").GetString().ShouldBe("failed");
        (await server.GetJsonAsync($"api/snapshots/{id}/summary", (HttpStatusCode)422)).GetProperty("error").GetString()!.ShouldContain("could not be analysed");
    }

    [Fact]
    public async Task Capture_LeakingService_SnapshotsCompareAndHuntNamesTheLeak()
    {
        using var target = new NodeProgram("leaky-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", target.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "500ms"]);
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
        suspects.ShouldContain(s => s.GetProperty("propertyPath").GetString()!.EndsWith(".sentEvents"));
        (await target.GetAsync()).ShouldNotBeEmpty(); // still serving

        // The same report on demand over the hunt's snapshots. Three do not fit in memory at once (--loaded 2), but
        // each analysis left an index beside its snapshot, so the server reopens them and answers at once.
        string ids = string.Join(",", done.GetProperty("snapshotIds").EnumerateArray().Select(e => e.GetInt64()));
        string snapshots = Path.Combine(dir.Path, "snapshots");
        Directory.GetFiles(snapshots, "*.heapsnapshot.hdx").Length.ShouldBe(5);
        var report = await server.GetJsonAsync($"api/leaks?snapshots={ids}");
        report.GetProperty("suspects").EnumerateArray().ShouldContain(s => s.GetProperty("propertyPath").GetString()!.EndsWith(".sentEvents"));
        // Without the indexes, the one not in memory is analysed again: the answer is a job whose result is the report.
        foreach (var index in Directory.GetFiles(snapshots, "*.hdx")) File.Delete(index);
        var leaksJob = await server.GetJsonAsync($"api/leaks?snapshots={ids}", HttpStatusCode.Accepted);
        var leaks = await server.WaitForJobAsync(leaksJob.GetProperty("job").GetProperty("id").GetInt64());
        leaks.GetProperty("state").GetString().ShouldBe("done", leaks.ToString());
        leaks.GetProperty("result").GetProperty("suspects").EnumerateArray().ShouldContain(s => s.GetProperty("propertyPath").GetString()!.EndsWith(".sentEvents"));
        // An unknown base is named in the error.
        (await server.GetJsonAsync($"api/snapshots/{captures[1]}/compare?base=999", HttpStatusCode.NotFound)).GetProperty("error").GetString().ShouldBe("no snapshot 999");
    }

    [Fact]
    public async Task Serve_Runtime_HeapFiguresLimitAndMetrics_CaptureSharesTheProbeSession()
    {
        using var target = new NodeProgram("leaky-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", target.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "500ms", "--runtime"]);

        var process = (await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1
            && p[0].GetProperty("last") is { ValueKind: JsonValueKind.Object } last && last.GetProperty("heapUsed").ValueKind == JsonValueKind.Number))[0];
        var figures = process.GetProperty("last");
        figures.GetProperty("heapTotal").GetInt64().ShouldBeGreaterThanOrEqualTo(figures.GetProperty("heapUsed").GetInt64());
        process.GetProperty("limit").GetProperty("kind").GetString().ShouldBe("heap");
        process.GetProperty("limit").GetProperty("bytes").GetInt64().ShouldBe(figures.GetProperty("heapLimit").GetInt64());
        string metrics = await server.Http.GetStringAsync("metrics");
        metrics.ShouldMatch($"nodejs_heap_size_used_bytes\\{{pid=\"{target.Pid}\",app=\"node\"\\}} [1-9][0-9]*\n");
        metrics.ShouldMatch($"heapdog_heap_used_ratio\\{{pid=\"{target.Pid}\",app=\"node\"\\}} 0\\.[0-9]+");

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
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", target.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "200ms"]);
        long id = (await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1))[0].GetProperty("id").GetInt64();
        target.Dispose();
        await server.WaitForAsync($"api/processes/{id}", p => !p.GetProperty("alive").GetBoolean());
        var refused = await server.PostJsonAsync($"api/processes/{id}/snapshot", expected: HttpStatusCode.Conflict);
        refused.GetProperty("error").GetString()!.ShouldContain("has exited");
        var events = await server.GetJsonAsync($"api/processes/{id}/events");
        events.EnumerateArray().ShouldContain(e => e.GetProperty("kind").GetString() == "exited");
        (await server.GetJsonAsync("api/health")).GetProperty("watching").GetInt32().ShouldBe(0);
    }

    [Fact]
    public async Task Token_Set_EveryRouteButHealthNeedsIt()
    {
        using var dir = new TempDirectory();
        const string token = "0123456789abcdef-secret";
        using var server = await ServeProcess.StartAsync(dir.Path, ["--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)],
            new Dictionary<string, string> { ["HEAPDOG_TOKEN"] = token });

        foreach (var path in new[] { "api/processes", "metrics", "", "openapi/v1.json", "api/snapshots/1/summary" })
            (await server.Http.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
        (await server.Http.GetAsync("api/health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/processes"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token-wrong-token");
            (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/processes"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The browser's way: /login sets an HttpOnly cookie, then pages and the API answer.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        (await browser.GetAsync("login?token=nope")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await browser.GetAsync($"login?token={token}")).StatusCode.ShouldBe(HttpStatusCode.OK); // redirected to the UI
        cookies.GetCookies(server.BaseAddress)["heapdog_token"]!.HttpOnly.ShouldBeTrue();
        (await browser.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Serve_BeyondLoopbackWithoutToken_RefusesToStart()
    {
        using var dir = new TempDirectory();
        var run = await HeapdogCommand.RunAsync(dir.Path, "serve", "--urls", $"http://0.0.0.0:{LoopbackPort.Free()}", "--db", dir.File("s.db"));
        run.ExitCode.ShouldBe(2);
        run.Stderr.ShouldContain("set HEAPDOG_TOKEN");
        File.Exists(dir.File("s.db")).ShouldBeFalse();
    }

    [Fact]
    public async Task Serve_PortInUse_ExitsWithCode10()
    {
        using var dir = new TempDirectory();
        using var holder = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        int port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var run = await HeapdogCommand.RunAsync(dir.Path, "serve", "--urls", $"http://127.0.0.1:{port}", "--db", dir.File("s.db"),
            "--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        run.ExitCode.ShouldBe(10, run.Stderr);
        run.Stderr.Trim().ShouldStartWith($"heapdog: cannot listen on http://127.0.0.1:{port}");
        run.Stderr.Trim().Split('\n').Length.ShouldBe(1);
    }
}
