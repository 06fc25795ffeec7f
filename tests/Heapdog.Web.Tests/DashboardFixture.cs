using Microsoft.Playwright;

namespace Heapdog.Web.Tests;

/// <summary>
/// One leaking node service, one <c>heapdog serve</c> watching it every second (with the token it makes up), and one headless Chromium, shared by
/// the dashboard tests (starting them takes seconds; the tests only read or add, so they do not disturb each other).
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    // Debian's Chromium: Playwright's own browser download is not used.
    private const string ChromiumPath = "/usr/bin/chromium";

    private readonly TempDirectory _temp = new();
    private NodeProgram? _node;
    private HeapdogProcess? _server;
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl => _server!.BaseAddress.GetLeftPart(UriPartial.Authority);
    /// <summary>The URL <c>heapdog serve</c> printed to open, its token in it: what a user pastes into the browser.</summary>
    public string OpenUrl => _server!.OpenUrl!.ToString();
    public int NodePid => _node!.Pid;
    public string TempPath => _temp.Path;
    /// <summary>The store serve records into.</summary>
    public string StorePath => _temp.File("h.db");
    public string ServerOutput => _server?.Output ?? "";

    /// <summary>A client of serve's API with its admin token.</summary>
    public HttpClient NewApiClient() => _server!.NewClient();

    /// <summary>Where page screenshots go: TestResults/screenshots under the test output.</summary>
    public string ScreenshotDirectory { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots")).FullName;

    public async Task InitializeAsync()
    {
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        // Without TurboFan's inlining: once handleOrder is optimised, V8's sampling heap profiler counts what
        // publishEvent allocates under handleOrder (docs/sample.md), which the Sample test would then not find by name.
        // Without compaction, which makes V8 lose the allocation stacks of the objects it moves (docs/hunt.md, "Stacks
        // V8 loses"): the allocation-stacks hunt must find publishEvent's.
        _node = new NodeProgram("leaky-service.js", flags: ["--no-turbo-inlining", "--no-compact"], workingDirectory: _temp.Path);
        await _node.PortAsync();
        _server = await HeapdogProcess.StartServeAsync(_temp.Path,
            ["--db", StorePath, "--pid", _node.Pid.ToString(), "--interval", "1s", "--snapshots", _temp.File("snaps")],
            // The token serve makes up (an empty HEAPDOG_TOKEN is none), so that the tests open the URL it prints.
            new Dictionary<string, string> { ["HEAPDOG_TOKEN"] = "" });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        _server?.Dispose();
        _node?.Dispose();
        _temp.Dispose();
    }
}
