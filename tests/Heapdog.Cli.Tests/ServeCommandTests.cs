using System.Globalization;
using System.Net;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog serve</c> the command: what it refuses and how, before any server runs (the API: Heapdog.Server.Tests).</summary>
public sealed class ServeCommandTests
{
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

    [Fact]
    public async Task Serve_AllowedHost_AnswersThatNameAndItsOwnOnly()
    {
        using var dir = new TempDirectory();
        using var server = await HeapdogProcess.StartServeAsync(dir.Path, ["--db", dir.File("s.db"), "--allowed-host", "dash.example",
            "--allowed-host", "other.example:8080", "--pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture)]);
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        foreach (var (host, expected) in new[]
                 {
                     ("dash.example", HttpStatusCode.OK), ("other.example:8080", HttpStatusCode.OK), (server.BaseAddress.Authority, HttpStatusCode.OK),
                     ("other.example:9090", HttpStatusCode.Forbidden), ("evil.example", HttpStatusCode.Forbidden),
                 })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "api/health");
            request.Headers.Host = host;
            using var response = await http.SendAsync(request);
            response.StatusCode.ShouldBe(expected, host);
        }
    }
}
