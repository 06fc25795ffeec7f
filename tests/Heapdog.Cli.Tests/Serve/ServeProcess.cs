using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Heapdog.Cli.Tests.Serve;

/// <summary>A real <c>heapdog serve</c> child process on a free loopback port, with an HTTP client for its API.</summary>
public sealed class ServeProcess : IDisposable
{
    private readonly HeapdogProcess _process;

    private ServeProcess(HeapdogProcess process)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }
    public Uri BaseAddress => Http.BaseAddress!;
    public string Stderr => _process.Stderr;

    /// <summary>Starts the server and waits for its "listening" line; throws with its stderr if it exits first.</summary>
    public static async Task<ServeProcess> StartAsync(string directory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null, int? port = null) =>
        new(await HeapdogProcess.StartServeAsync(directory,
            ["--db", Path.Combine(directory, "store.db"), "--snapshots", Path.Combine(directory, "snapshots"), .. args], environment, port));

    public async Task<JsonElement> GetJsonAsync(string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await Http.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, $"GET {path}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> PostJsonAsync(string path, HttpContent? content = null, HttpStatusCode expected = HttpStatusCode.Accepted)
    {
        using var response = await Http.PostAsync(path, content);
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

    public void Dispose()
    {
        Http.Dispose();
        _process.Dispose();
    }
}
