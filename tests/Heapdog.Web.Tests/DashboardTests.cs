using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Heapdog.Web.Tests;

/// <summary>The web UI in a real browser against the real server watching a real leaking node process.</summary>
public sealed class DashboardTests(DashboardFixture fixture, ITestOutputHelper output) : IClassFixture<DashboardFixture>, IAsyncLifetime
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(90);
    private IBrowserContext _context = null!;
    private IPage _page = null!;
    private readonly List<string> _consoleErrors = [];

    public async Task InitializeAsync()
    {
        _context = await fixture.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 }, BaseURL = fixture.BaseUrl });
        _page = await _context.NewPageAsync();
        _page.SetDefaultTimeout(20_000);
        _page.Console += (_, m) => { if (m.Type == "error") lock (_consoleErrors) _consoleErrors.Add(m.Text); };
        _page.PageError += (_, e) => { lock (_consoleErrors) _consoleErrors.Add(e); };
        // As a user does: open the URL heapdog serve printed, which leaves the token in this context as a cookie.
        await _page.GotoAsync(fixture.OpenUrl);
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync();
        lock (_consoleErrors) if (_consoleErrors.Count > 0) output.WriteLine("browser console errors:\n" + string.Join('\n', _consoleErrors));
    }

    [Fact]
    public async Task ProcessesPage_WatchedNode_ListsTheProcess()
    {
        await _page.GotoAsync("/#/");
        var row = _page.Locator($"[data-testid=process-row][data-pid='{fixture.NodePid}']");
        await row.WaitForAsync();
        (await row.Locator("[data-testid=process-link]").InnerTextAsync()).ShouldNotBeNullOrWhiteSpace();
        (await row.InnerTextAsync()).ShouldContain("alive");
        // RSS is measured within a few rounds of 1 s.
        await Expect(row.Locator("[data-testid=process-rss]"), "data-bytes", bytes => long.TryParse(bytes, out long b) && b > 1_000_000);
        await ScreenshotAsync("processes");
        await AssertNoErrorBannerAsync();
    }

    /// <summary>Two processes of another host, in two pods, reported as an agent reports them (a token made on the server,
    /// one batch through the agents' route), one of them killed by the OOM killer: the pod filter shows only the one in
    /// that pod, with its host, container and pod, and the fleet's OOM deaths name the other; "leaking now" then leaves
    /// none (that process has no verdict).</summary>
    [Fact]
    public async Task ProcessesPage_PodFilter_ShowsOnlyThatPodsProcess_AndTheFleetsOomDeath()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        string agentToken;
        using (var admin = fixture.NewApiClient())
        {
            using var created = await admin.PostAsync("api/tokens", new StringContent("{\"name\":\"node-b-agent\"}", Encoding.UTF8, "application/json"));
            created.EnsureSuccessStatusCode();
            agentToken = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
        }
        var batch = new
        {
            agentId = "agent-node-b", sequence = 1, host = "node-b", agentVersion = "test", sentMs = now, lostSamples = 0, columns = new[] { "rss" },
            processes = new[]
            {
                new { id = 1, pid = 4101, startTicks = 1, startTimeMs = now - 60_000, name = "node", commandLine = "node checkout.js", pm2Name = (string?)null,
                    container = "api", pod = "shop/checkout-1", firstSeenMs = now - 50_000, lastSeenMs = now },
                new { id = 2, pid = 4102, startTicks = 2, startTimeMs = now - 60_000, name = "node", commandLine = "node cart.js", pm2Name = (string?)null,
                    container = "api", pod = "shop/cart-1", firstSeenMs = now - 50_000, lastSeenMs = now - 20_000 },
            },
            samples = new[] { new { processId = 1, timeMs = now, count = 1, values = new[] { 90_000_000.0 } },
                new { processId = 2, timeMs = now - 20_000, count = 1, values = new[] { 500_000_000.0 } } },
            minutes = Array.Empty<object>(),
            events = new[] { new { processId = 2, timeMs = now - 10_000, kind = "exited-oom-kill", detail = "{}" } },
            verdicts = Array.Empty<object>(),
        };
        using (var agent = new HttpClient { BaseAddress = new Uri(fixture.BaseUrl), Timeout = TimeSpan.FromSeconds(60) })
        {
            agent.DefaultRequestHeaders.Authorization = new("Bearer", agentToken);
            using var sent = await agent.PostAsync("api/agent/batches", new StringContent(JsonSerializer.Serialize(batch), Encoding.UTF8, "application/json"));
            sent.EnsureSuccessStatusCode();
        }

        await _page.GotoAsync("/#/");
        await _page.Locator($"[data-testid=process-row][data-pid='{fixture.NodePid}']").WaitForAsync();
        await _page.GetByTestId("filter-pod").FillAsync("shop/checkout-1");
        await _page.GetByTestId("filter-pod").PressAsync("Enter");

        // Only the checkout pod's process is left: the watched node (in no pod) and the cart pod's process are filtered out.
        await _page.Locator($"[data-testid=process-row][data-pid='{fixture.NodePid}']").WaitForAsync(new() { State = WaitForSelectorState.Detached });
        var row = _page.GetByTestId("process-row");
        (await row.CountAsync()).ShouldBe(1);
        (await row.GetAttributeAsync("data-pid")).ShouldBe("4101");
        (await row.GetByTestId("process-host").InnerTextAsync()).ShouldBe("node-b");
        (await row.GetByTestId("process-container").InnerTextAsync()).ShouldBe("api");
        (await row.GetByTestId("process-pod").InnerTextAsync()).ShouldBe("shop/checkout-1");
        var oom = _page.GetByTestId("oom-row");
        (await oom.CountAsync()).ShouldBe(1);
        string death = await oom.InnerTextAsync();
        death.ShouldContain("exited-oom-kill");
        death.ShouldContain("pid 4102");
        death.ShouldContain("node-b");
        death.ShouldContain("shop/cart-1");
        await ScreenshotAsync("processes-pod-filter");

        // "Leaking now" asks for growing verdicts of alive processes: the checkout process has no verdict yet.
        await _page.GetByTestId("filter-leaking").CheckAsync();
        await _page.GetByTestId("no-process").WaitForAsync();
        (await _page.GetByTestId("process-row").CountAsync()).ShouldBe(0);
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task ProcessPage_LeakingNode_ChartGrows()
    {
        await OpenProcessPageAsync();
        var chart = _page.Locator("[data-testid=chart-rss]");
        await Expect(chart, "data-points", p => int.TryParse(p, out int n) && n >= 2);
        int before = int.Parse((await chart.GetAttributeAsync("data-points"))!);
        // The page refreshes a 15-minute range every 2 s while the server samples every second.
        await Expect(chart, "data-points", p => int.TryParse(p, out int n) && n > before, TimeSpan.FromSeconds(15));
        (await _page.Locator("[data-testid=chart-rss] canvas").CountAsync()).ShouldBeGreaterThan(0);
        (await _page.Locator("[data-testid=chart-heap] canvas").CountAsync()).ShouldBeGreaterThan(0);
        (await _page.Locator("[data-testid=chart-external] canvas").CountAsync()).ShouldBeGreaterThan(0);
        long lastRss = long.Parse((await chart.GetAttributeAsync("data-last"))!);
        lastRss.ShouldBeGreaterThan(1_000_000);
        await ScreenshotAsync("process");
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task SnapshotButton_LiveProcess_CaptureOpensWithSummary()
    {
        await OpenProcessPageAsync();
        await _page.GetByTestId("btn-snapshot").ClickAsync();
        await WaitJobDoneAsync("capture");
        await _page.Locator("[data-testid=job-progress][data-kind=capture] [data-testid=job-result-link]").ClickAsync();
        await _page.WaitForURLAsync(url => url.Contains("#/snapshot/"));
        await _page.Locator("[data-testid=summary-row]").First.WaitForAsync(new() { Timeout = 60_000 });
        await _page.GetByTestId("summary-filter").FillAsync("OrderEvent");
        var rows = _page.Locator("[data-testid=summary-row]");
        (await rows.CountAsync()).ShouldBeGreaterThan(0);
        (await rows.First.GetAttributeAsync("data-class-name")).ShouldBe("OrderEvent");
        await _page.GetByTestId("summary-filter").FillAsync("");
        await ScreenshotAsync("snapshot-summary");
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task ObjectView_RetainerClick_OpensTheRetainer()
    {
        string snapshotId = await CaptureAsync();
        await _page.GotoAsync($"/#/snapshot/{snapshotId}/summary");
        await _page.GetByTestId("summary-filter").FillAsync("OrderEvent");
        var orderEvents = _page.Locator("[data-testid=summary-row][data-class-name=OrderEvent]");
        await orderEvents.Locator("[data-testid=summary-expand]").ClickAsync();
        await _page.Locator("[data-testid=summary-table] [data-testid=object-row] [data-testid=object-link]").First.ClickAsync();

        var header = _page.GetByTestId("object-header");
        await header.WaitForAsync();
        string first = (await header.GetAttributeAsync("data-node-id"))!;
        (await header.InnerTextAsync()).ShouldContain("OrderEvent");
        (await _page.Locator("[data-testid=retainer-path]").CountAsync()).ShouldBeGreaterThan(0);
        await ScreenshotAsync("snapshot-object");

        // An OrderEvent is held by the sentEvents array: click through to it by its @id.
        var retainerLink = _page.Locator("[data-testid=retainer-row] [data-testid=object-link]").First;
        string retainerId = (await retainerLink.GetAttributeAsync("data-node-id"))!;
        await retainerLink.ClickAsync();
        await _page.WaitForURLAsync(url => url.EndsWith($"/object/{retainerId}"));
        await Expect(header, "data-node-id", id => id == retainerId);
        retainerId.ShouldNotBe(first);
        (await _page.Locator("[data-testid=edge-row]").CountAsync()).ShouldBeGreaterThan(0);

        // The jump box takes an @id too.
        await _page.GetByTestId("object-jump").FillAsync("@" + first);
        await _page.GetByTestId("object-jump").PressAsync("Enter");
        await Expect(header, "data-node-id", id => id == first);

        await _page.GetByTestId("tab-dominators").ClickAsync();
        await _page.Locator("[data-testid=dominator-row]").Nth(1).WaitForAsync();
        await ScreenshotAsync("snapshot-dominators");
        await _page.GetByTestId("tab-statistics").ClickAsync();
        await _page.Locator("[data-testid=statistics-row][data-kind=total]").WaitForAsync();
        await ScreenshotAsync("snapshot-statistics");
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task HuntButton_LeakyService_ReportNamesSentEvents()
    {
        await OpenProcessPageAsync();
        await _page.GetByTestId("hunt-interval").SelectOptionAsync("2s");
        await _page.GetByTestId("btn-hunt").ClickAsync();
        var job = await WaitJobDoneAsync("hunt");
        await job.Locator("[data-testid=job-result-link]").ClickAsync();
        var cards = _page.Locator("[data-testid=suspect-card]");
        await cards.First.WaitForAsync();
        string report = await _page.GetByTestId("leaks-report").InnerTextAsync();
        report.ShouldContain("sentEvents");
        (await cards.Locator("[data-testid=object-link]").CountAsync()).ShouldBeGreaterThan(0);
        await ScreenshotAsync("leaks");

        // The hunt's snapshots compare with each other (one process lifetime).
        var last = _page.Locator("[data-testid=leaks-report] [data-testid=object-link]").First;
        await last.ClickAsync();
        await _page.GetByTestId("object-header").WaitForAsync();
        await _page.GetByTestId("tab-comparison").ClickAsync();
        await _page.Locator("[data-testid=compare-row]").First.WaitForAsync();
        await ScreenshotAsync("snapshot-comparison");
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task HuntButton_AllocationStacks_ShowsTheLineThatStores()
    {
        await OpenProcessPageAsync();
        await _page.GetByTestId("hunt-interval").SelectOptionAsync("2s");
        (await _page.Locator("label:has([data-testid=hunt-allocations])").InnerTextAsync()).ShouldContain("requests/s");
        await _page.GetByTestId("hunt-allocations").CheckAsync();
        await _page.GetByTestId("btn-hunt").ClickAsync();
        var job = await WaitJobDoneAsync("hunt");
        await job.Locator("[data-testid=job-result-link]").ClickAsync();
        var card = _page.Locator("[data-testid=suspect-card]").Filter(new() { Has = _page.Locator("[data-testid=suspect-property-path]", new() { HasTextString = "sentEvents" }) });
        await card.First.WaitForAsync();
        // leaky-service.js: `publishEvent` starts on line 23; the event is stored on line 25.
        string storedAt = await card.First.GetByTestId("suspect-stored-at").InnerTextAsync();
        storedAt.ShouldContain("leaky-service.js:25:");
        storedAt.ShouldContain("sentEvents.push(event)");
        (await card.First.GetByTestId("suspect-allocated-at").InnerTextAsync()).ShouldContain("publishEvent");
        await ScreenshotAsync("leaks-allocations");
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task SampleButton_LeakyService_ListsPublishEvent()
    {
        await OpenProcessPageAsync();
        await _page.GetByTestId("sample-duration").SelectOptionAsync("10s");
        await _page.GetByTestId("btn-sample").ClickAsync();
        var job = await WaitJobDoneAsync("sample");
        await job.Locator("[data-testid=job-result-link]").ClickAsync();
        await _page.Locator("[data-testid=sample-row]").First.WaitForAsync();
        (await _page.GetByTestId("sample-result").InnerTextAsync()).ShouldContain("publishEvent");
        await ScreenshotAsync("sample");
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task SnapshotsPage_UploadHeapSnapshot_AnalysesIt()
    {
        string file = Path.Combine(fixture.TempPath, "uploaded.heapsnapshot");
        NodeProgram.Run("write-snapshot.js", [file], TimeSpan.FromSeconds(30));
        await _page.GotoAsync("/#/snapshots");
        await _page.GetByTestId("upload-input").SetInputFilesAsync(file);
        var done = _page.GetByTestId("upload-done");
        await done.WaitForAsync(new() { Timeout = 60_000 });
        string id = (await done.GetAttributeAsync("data-snapshot-id"))!;
        var row = _page.Locator($"[data-testid=snapshot-row][data-snapshot-id='{id}']");
        (await row.InnerTextAsync()).ShouldContain("uploaded.heapsnapshot");
        await Expect(row, "data-state", s => s == "ready", TimeSpan.FromSeconds(60));
        (await row.InnerTextAsync()).ShouldContain("upload");
        await ScreenshotAsync("snapshots");

        await row.GetByTestId("snapshot-link").ClickAsync();
        await _page.GetByTestId("summary-filter").FillAsync("UploadedThing");
        var thing = _page.Locator("[data-testid=summary-row][data-class-name=UploadedThing]");
        await thing.WaitForAsync();
        (await thing.InnerTextAsync()).ShouldContain("2,000");
        await AssertNoErrorBannerAsync();
    }

    /// <summary>An incident imported from its <c>process.memoryUsage()</c> log into the store serve is using: its page
    /// shows the series up to its last sample (not up to now), the line broken where the log has a 20-minute hole, and
    /// the verdict over it.</summary>
    [Fact]
    public async Task ImportedLog_ProcessPage_ChartsItUpToItsEnd_WithTheGapBroken()
    {
        var log = new StringBuilder();
        var start = DateTimeOffset.UtcNow.AddHours(-3);
        for (int i = 0; i < 60; i++)
        {
            var time = start.AddMinutes(i < 30 ? i : i + 20);
            long rss = 300_000_000 + i * 8_000_000L, heapTotal = 64_000_000 + i % 3 * 500_000, heapUsed = 24_000_000 + i % 4 * 300_000;
            log.Append(CultureInfo.InvariantCulture, $"{time:yyyy-MM-ddTHH:mm:ssZ} {{\"rss\":{rss},\"heapTotal\":{heapTotal},\"heapUsed\":{heapUsed},\"external\":4878125}}\n");
        }
        string file = Path.Combine(fixture.TempPath, "incident.log");
        await File.WriteAllTextAsync(file, log.ToString());
        var import = await HeapdogCommand.RunAsync(fixture.TempPath, "import", file, "--db", fixture.StorePath, "--json");
        import.ExitCode.ShouldBe(0, import.Stderr);
        long id = JsonDocument.Parse(import.Stdout).RootElement.GetProperty("processes")[0].GetProperty("id").GetInt64();

        await _page.GotoAsync($"/#/process/{id}?range=6h");
        var chart = _page.Locator("[data-testid=chart-rss]");
        await Expect(chart, "data-points", p => p == "60");
        (await chart.GetAttributeAsync("data-gaps")).ShouldBe("1");
        var verdict = _page.GetByTestId("verdict");
        await Expect(verdict, "data-status", s => s == "growing");
        (await verdict.InnerTextAsync()).ShouldContain("off-heap");
        await ScreenshotAsync("imported");
        await AssertNoErrorBannerAsync();
    }

    [Fact]
    public async Task TokenLogin_PrintedUrl_DashboardLoadsAndABrowserWithoutTheCookieSeesOnlyTheMessage()
    {
        // The printed URL sets the cookie and sends the browser to the dashboard, the token gone from the address.
        var login = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl });
        var stranger = await fixture.Browser.NewContextAsync(new() { BaseURL = fixture.BaseUrl });
        try
        {
            var page = await login.NewPageAsync();
            page.SetDefaultTimeout(20_000);
            await page.GotoAsync(fixture.OpenUrl);
            page.Url.ShouldBe(fixture.BaseUrl + "/");
            var cookie = (await login.CookiesAsync()).ShouldHaveSingleItem();
            cookie.Name.ShouldBe("heapdog_token");
            cookie.HttpOnly.ShouldBeTrue();
            cookie.SameSite.ShouldBe(SameSiteAttribute.Strict);
            // The process list comes from the API, which the cookie opened.
            await page.Locator($"[data-testid=process-row][data-pid='{fixture.NodePid}']").WaitForAsync();
            (await page.EvaluateAsync<string>("document.cookie")).ShouldBeEmpty(); // HttpOnly: no script reads it

            // Another browser, never given the URL: the UI loads, its API calls are refused, it says what to do.
            var other = await stranger.NewPageAsync();
            other.SetDefaultTimeout(20_000);
            await other.GotoAsync("/#/");
            await AssertNeedsTokenAsync(other);
            await ScreenshotAsync(other, "needs-token");

            // The cookie lost while the page is open (the server restarted with a new token): the next refresh says so.
            await login.ClearCookiesAsync();
            await AssertNeedsTokenAsync(page);
        }
        finally
        {
            await login.CloseAsync();
            await stranger.CloseAsync();
        }
    }

    /// <summary>The banner says to open the printed URL, and no data is shown.</summary>
    private static async Task AssertNeedsTokenAsync(IPage page)
    {
        var banner = page.Locator("[data-testid=error-banner][data-kind=unauthorized]");
        await banner.WaitForAsync();
        (await banner.InnerTextAsync()).ShouldContain("open the URL that \"heapdog serve\" printed");
        (await banner.InnerTextAsync()).ShouldContain("/?token=");
        await page.Locator("main").WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        (await page.Locator("[data-testid=process-row]:visible").CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task SnapshotPage_UnknownSnapshot_ShowsTheApiError()
    {
        await _page.GotoAsync("/#/snapshot/987654");
        var banner = _page.GetByTestId("error-banner");
        await banner.WaitForAsync();
        (await banner.InnerTextAsync()).ShouldNotBeNullOrWhiteSpace();
        await ScreenshotAsync("error");
    }

    private async Task OpenProcessPageAsync()
    {
        await _page.GotoAsync("/#/");
        var link = _page.Locator($"[data-testid=process-row][data-pid='{fixture.NodePid}'] [data-testid=process-link]");
        await link.ClickAsync();
        await _page.GetByTestId("chart-rss").WaitForAsync();
    }

    /// <summary>Takes a snapshot through the UI and returns its id.</summary>
    private async Task<string> CaptureAsync()
    {
        await OpenProcessPageAsync();
        await _page.GetByTestId("btn-snapshot").ClickAsync();
        var job = await WaitJobDoneAsync("capture");
        string href = (await job.Locator("[data-testid=job-result-link]").GetAttributeAsync("href"))!;
        return href[(href.LastIndexOf('/') + 1)..];
    }

    /// <summary>Waits for the job card of that kind to end, watching its progress; fails with its error if it failed.</summary>
    private async Task<ILocator> WaitJobDoneAsync(string kind)
    {
        var job = _page.Locator($"[data-testid=job-progress][data-kind={kind}]").First;
        await job.WaitForAsync();
        var stopwatch = Stopwatch.StartNew();
        var phases = new List<string>();
        while (stopwatch.Elapsed < JobTimeout)
        {
            string state = (await job.GetAttributeAsync("data-state"))!;
            string phase = await job.GetByTestId("job-phase").InnerTextAsync();
            if (phases.Count == 0 || phases[^1] != phase) phases.Add(phase);
            if (state == "done") break;
            if (state is "failed" or "cancelled") throw new ShouldAssertException($"{kind} job {state}: {await job.InnerTextAsync()}\nserver:\n{fixture.ServerOutput}");
            await Task.Delay(250);
        }
        (await job.GetAttributeAsync("data-state")).ShouldBe("done", $"{kind} job did not finish within {JobTimeout}; phases seen: {string.Join(" | ", phases)}");
        output.WriteLine($"{kind} job phases: {string.Join(" | ", phases)} ({stopwatch.Elapsed.TotalSeconds:F1} s)");
        return job;
    }

    private Task ScreenshotAsync(string name) => ScreenshotAsync(_page, name);

    private async Task ScreenshotAsync(IPage page, string name)
    {
        string path = Path.Combine(fixture.ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        output.WriteLine("screenshot: " + path);
    }

    private async Task AssertNoErrorBannerAsync()
    {
        var banner = _page.GetByTestId("error-banner");
        if (await banner.IsVisibleAsync()) throw new ShouldAssertException("error banner shown: " + await banner.InnerTextAsync());
    }

    /// <summary>Polls an attribute until the condition holds (the page refreshes by itself).</summary>
    private static async Task Expect(ILocator locator, string attribute, Func<string, bool> condition, TimeSpan? timeout = null)
    {
        var stopwatch = Stopwatch.StartNew();
        string? value = null;
        while (stopwatch.Elapsed < (timeout ?? TimeSpan.FromSeconds(20)))
        {
            value = await locator.GetAttributeAsync(attribute);
            if (value is not null && condition(value)) return;
            await Task.Delay(200);
        }
        throw new ShouldAssertException($"{attribute} stayed \"{value}\"");
    }
}
