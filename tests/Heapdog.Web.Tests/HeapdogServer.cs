using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Heapdog.Web.Tests;

/// <summary>The real <c>heapdog serve</c>, run from the built heapdog.dll as a child process; killed on Dispose.</summary>
public sealed class HeapdogServer : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private HeapdogServer(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    /// <summary>Starts the server on a free loopback port and waits until /api/health answers.</summary>
    public static async Task<HeapdogServer> StartAsync(string workingDirectory, params string[] args)
    {
        int port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "heapdog.dll"));
        start.ArgumentList.Add("serve");
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var server = new HeapdogServer(Process.Start(start)!, $"http://127.0.0.1:{port}");
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            await server.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    private void Keep(string? line)
    {
        if (line is not null) lock (_output) _output.Add(line);
    }

    private async Task WaitHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"heapdog serve exited with {_process.ExitCode}:\n{Output}");
            try
            {
                using var response = await http.GetAsync(BaseUrl + "/api/health");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(200);
        }
        throw new TimeoutException($"heapdog serve did not answer /api/health within {timeout}:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
