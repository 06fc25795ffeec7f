using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Heapdog.Monitoring.Sampling;
using Heapdog.Server.Hosting;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>
/// The real dashboard hosted in this test process, on Kestrel at <c>http://127.0.0.1:0</c> over a real SQLite file in
/// a test directory, with an HTTP client for its API; stopped (jobs cancelled, store closed) on dispose. It has a token,
/// as <c>heapdog serve</c> does by default, and <see cref="Http"/> sends it (<c>Authorization: Bearer</c>).
/// </summary>
/// <remarks>
/// Not <c>WebApplicationFactory&lt;T&gt;</c>: it needs an entry-point assembly to find the app's builder, and
/// Heapdog.Server is a library that <c>heapdog serve</c> hosts. The real Kestrel in-process is also the stronger test: real
/// sockets, the Kestrel limits the server sets (the upload cap) and a real port for Prometheus to scrape, where TestServer
/// would call the pipeline in memory.
/// </remarks>
public sealed class DashboardApplication : IAsyncDisposable
{
    private readonly DashboardHost _host;

    private DashboardApplication(DashboardHost host, string? token)
    {
        _host = host;
        Token = token;
        Http = Anonymous();
        if (token is not null) Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
    }

    /// <summary>A client of the API that sends the token (when the server has one).</summary>
    public HttpClient Http { get; }

    /// <summary>The server's token; null with <c>noToken</c>.</summary>
    public string? Token { get; }

    /// <summary>A new client that sends no token (the caller disposes it).</summary>
    public HttpClient Anonymous(HttpMessageHandler? handler = null) =>
        new(handler ?? new HttpClientHandler()) { BaseAddress = new Uri(_host.Urls[0] + "/"), Timeout = TimeSpan.FromSeconds(60) };
    public Uri BaseAddress => Http.BaseAddress!;

    /// <summary>
    /// Starts the dashboard as <c>heapdog serve --pid PID</c> would, with the store at DIRECTORY/store.db and the
    /// snapshots in DIRECTORY/snapshots, on a port the system chooses.
    /// </summary>
    /// <param name="directory">Where the store and the snapshots go.</param>
    /// <param name="pid">The one process watched.</param>
    /// <param name="interval">Time between samples (<c>--interval</c>; 5 s by default, as for the command).</param>
    /// <param name="runtime">Read the heap figures through the inspector (<c>--runtime</c>).</param>
    /// <param name="maxUploadBytes">The largest upload (<c>--max-upload</c>; 8 GiB by default, as for the command).</param>
    /// <param name="token">The token every route but the health needs (<c>HEAPDOG_TOKEN</c>); one is made up when none is given.</param>
    /// <param name="noToken">No token at all (<c>--no-token</c>).</param>
    /// <param name="allowedHosts">More names the server answers to (<c>--allowed-host</c>).</param>
    public static async Task<DashboardApplication> StartAsync(string directory, int pid, TimeSpan? interval = null, bool runtime = false,
        long maxUploadBytes = 8L << 30, string? token = null, IReadOnlyList<string>? allowedHosts = null, bool noToken = false)
    {
        if (noToken && token is not null) throw new ArgumentException("a token and noToken", nameof(noToken));
        token ??= noToken ? null : TokenGate.NewToken();
        var options = new ServeOptions
        {
            Urls = ["http://127.0.0.1:0"],
            DbPath = Path.Combine(directory, "store.db"),
            SnapshotsDir = Path.Combine(directory, "snapshots"),
            MaxUploadBytes = maxUploadBytes,
            RuntimeFigures = runtime,
            Token = token,
            AllowedHosts = allowedHosts ?? [],
            Watch = new WatchOptions
            {
                Mode = TargetMode.Pids,
                Pids = [pid],
                Interval = interval ?? TimeSpan.FromSeconds(5),
                DiscoverEvery = TimeSpan.FromSeconds(10),
            },
        };
        return new DashboardApplication(await DashboardHost.StartAsync(options, TextWriter.Null, CancellationToken.None), token);
    }

    /// <summary>A snapshot upload's body, typed as the server requires (<c>application/octet-stream</c>).</summary>
    public static HttpContent Upload(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    public async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, $"GET {path}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> PostJsonAsync(string path, HttpContent? content = null, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        // A body goes only once the server asks for it (as curl does past 1 MB): an upload refused on its headers alone
        // (too large, wrong type) is answered before any byte is sent, instead of racing the client's write.
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (content is not null) request.Headers.ExpectContinue = true;
        using var response = await Http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, $"POST {path}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Polls a job until it ends; returns it (state done, failed or cancelled).</summary>
    public async Task<JsonElement> WaitForJobAsync(long id, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var job = await GetJsonAsync($"api/jobs/{id}");
            if (job.GetProperty("state").GetString() is "done" or "failed" or "cancelled") return job;
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(90))) throw new TimeoutException($"job {id} still {job}");
            await Task.Delay(200);
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds for the JSON at <paramref name="path"/>.</summary>
    public async Task<JsonElement> WaitForAsync(string path, Func<JsonElement, bool> condition, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var json = await GetJsonAsync(path);
            if (condition(json)) return json;
            if (clock.Elapsed > (timeout ?? TimeSpan.FromSeconds(30))) throw new TimeoutException($"{path} never satisfied the condition: {json}");
            await Task.Delay(250);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
        // A loop that failed while the test ran is a failure of the test too.
        if (_host.Running.IsFaulted) await _host.Running;
    }
}
