using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Heapdog.Cli.Tests.Serve;

/// <summary>A real <c>heapdog serve</c> child process on a free loopback port, with an HTTP client for its API.</summary>
public sealed class ServeProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private ServeProcess(Process process, Uri baseAddress)
    {
        _process = process;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http { get; }
    public Uri BaseAddress => Http.BaseAddress!;
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the server and waits for its "listening" line; throws with its stderr if it exits first.</summary>
    public static async Task<ServeProcess> StartAsync(string directory, IEnumerable<string> args, IDictionary<string, string>? environment = null, int? port = null)
    {
        int p = port ?? FreePort();
        var start = Start(directory, ["--urls", $"http://127.0.0.1:{p}", "--db", Path.Combine(directory, "store.db"),
            "--snapshots", Path.Combine(directory, "snapshots"), .. args], environment);
        var process = Process.Start(start)!;
        var server = new ServeProcess(process, new Uri($"http://127.0.0.1:{p}/"));
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (server._stderr) server._stderr.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        var ready = process.StandardOutput.ReadLineAsync();
        var finished = await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(60)));
        string? line = finished == ready ? await ready : null;
        if (line is null || !line.StartsWith("heapdog serve:", StringComparison.Ordinal))
        {
            server.Dispose();
            throw new InvalidOperationException($"heapdog serve did not start: {line}\n{server.Stderr}");
        }
        _ = process.StandardOutput.ReadToEndAsync();
        return server;
    }

    public static ProcessStartInfo Start(string directory, IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heapdog.dll"));
        start.ArgumentList.Add("serve");
        foreach (var a in args) start.ArgumentList.Add(a);
        if (environment is not null)
            foreach (var (k, v) in environment) start.Environment[k] = v;
        return start;
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
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.Dispose();
    }
}
