using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Heapdog.Cli.Tests;

/// <summary><c>heapdog serve</c> the command: what it refuses and how, before any server runs (the API: Heapdog.Server.Tests).</summary>
public sealed class ServeCommandTests
{
    // No HEAPDOG_TOKEN from the environment the tests run in: an empty value is none.
    private static readonly Dictionary<string, string> NoEnvironmentToken = new() { ["HEAPDOG_TOKEN"] = "" };

    private static string Pid => Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Serve_WithoutHeapdogToken_PrintsTokenUrlAndNeedsIt()
    {
        using var dir = new TempDirectory();
        using var server = await HeapdogProcess.StartServeAsync(dir.Path, ["--db", dir.File("s.db"), "--pid", Pid], NoEnvironmentToken);

        // The URL to open: the bound address and port, the token in the query; printed once, on stderr only.
        server.OpenUrl.ShouldNotBeNull();
        server.OpenUrl.GetLeftPart(UriPartial.Path).ShouldBe(server.BaseAddress.ToString());
        server.Token!.Length.ShouldBeGreaterThanOrEqualTo(32);
        Regex.Count(server.Stderr, Regex.Escape(server.Token)).ShouldBe(1);
        server.Stdout.ShouldNotContain(server.Token);

        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using (var refused = await anonymous.GetAsync("api/processes"))
        {
            refused.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            refused.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            (await refused.Content.ReadAsStringAsync()).ShouldContain("?token=");
        }
        (await anonymous.GetAsync("api/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        using var authorized = server.NewClient();
        (await authorized.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Serve_PrintedUrl_SetsStrictHttpOnlyCookieAndRedirectsToTheRoot()
    {
        using var dir = new TempDirectory();
        using var server = await HeapdogProcess.StartServeAsync(dir.Path, ["--db", dir.File("s.db"), "--pid", Pid], NoEnvironmentToken);
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(60) };

        using var response = await browser.GetAsync(server.OpenUrl);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe("/");
        string setCookie = response.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem().ToLowerInvariant();
        setCookie.ShouldContain("httponly");
        setCookie.ShouldContain("samesite=strict");
        cookies.GetCookies(server.BaseAddress)["heapdog_token"]!.HttpOnly.ShouldBeTrue();
        (await browser.GetAsync(new Uri(server.BaseAddress, "api/processes"))).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Serve_HeapdogTokenSet_UsedAndNotEchoed()
    {
        using var dir = new TempDirectory();
        const string token = "a-token-the-user-chose-0123456789";
        using var server = await HeapdogProcess.StartServeAsync(dir.Path, ["--db", dir.File("s.db"), "--pid", Pid],
            new Dictionary<string, string> { ["HEAPDOG_TOKEN"] = token });
        server.OpenUrl!.Query.ShouldBe("?token=$HEAPDOG_TOKEN");
        server.Output.ShouldNotContain(token);
        using var authorized = server.NewClient();
        (await authorized.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Serve_NoTokenOnLoopback_AnswersWithoutToken()
    {
        using var dir = new TempDirectory();
        using var server = await HeapdogProcess.StartServeAsync(dir.Path, ["--db", dir.File("s.db"), "--pid", Pid, "--no-token"], NoEnvironmentToken);
        server.Stderr.ShouldNotContain("token=");
        using var anonymous = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        (await anonymous.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("http://0.0.0.0:{0}")]
    [InlineData("http://127.0.0.1:{0} http://0.0.0.0:{1}")]
    public async Task Serve_NoTokenBeyondLoopback_RefusedWithExitCode2(string urlList)
    {
        string[] urls = urlList.Split(' ');
        using var dir = new TempDirectory();
        var args = new List<string> { "serve", "--db", dir.File("s.db"), "--no-token", "--urls" };
        args.AddRange(urls.Select(u => string.Format(CultureInfo.InvariantCulture, u, LoopbackPort.Free(), LoopbackPort.Free())));
        var run = await HeapdogCommand.RunAsync(dir.Path, args, environment: NoEnvironmentToken);
        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.Trim().ShouldStartWith("heapdog: --no-token is refused: ");
        run.Stderr.Trim().Split('\n').Length.ShouldBe(1);
        File.Exists(dir.File("s.db")).ShouldBeFalse();
    }

    [Fact]
    public async Task Serve_NoTokenWithHeapdogToken_RefusedWithExitCode2()
    {
        using var dir = new TempDirectory();
        var run = await HeapdogCommand.RunAsync(dir.Path, ["serve", "--db", dir.File("s.db"), "--no-token", "--urls", $"http://127.0.0.1:{LoopbackPort.Free()}"],
            environment: new Dictionary<string, string> { ["HEAPDOG_TOKEN"] = "a-token-the-user-chose-0123456789" });
        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.ShouldContain("--no-token and HEAPDOG_TOKEN");
    }

    [Fact]
    public async Task Serve_BeyondLoopbackWithoutHeapdogToken_StartsWithAGeneratedToken()
    {
        using var dir = new TempDirectory();
        int port = LoopbackPort.Free();
        var opened = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var server = HeapdogProcess.Start(dir.Path, ["serve", "--db", dir.File("s.db"), "--pid", Pid, "--urls", $"http://0.0.0.0:{port}"], NoEnvironmentToken,
            line => { if (line.StartsWith("heapdog serve: open ", StringComparison.Ordinal)) opened.TrySetResult(line); });
        await server.WaitForLineAsync(line => line.StartsWith("heapdog serve:", StringComparison.Ordinal), "the \"heapdog serve:\" line", TimeSpan.FromMinutes(1));
        (await opened.Task.WaitAsync(TimeSpan.FromMinutes(1))).ShouldContain($"http://0.0.0.0:{port}/?token=");
        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(60) };
        (await anonymous.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
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
