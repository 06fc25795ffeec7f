using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Heapdog.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>
/// What the server refuses with no token at all: a Host that is not its own (DNS rebinding), state changes from another
/// site (CSRF), uploads that are not raw bytes, bodies over the limit however sent, ids that are not plain digits. A real
/// server in-process (<see cref="DashboardApplication"/>), a real SQLite file, real Node processes.
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed class RequestGateTests(SnapshotFixtures fixtures)
{
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    [Fact]
    public async Task Host_NotThisServer_Forbidden()
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, allowedHosts: ["dash.example"]);
        int port = server.BaseAddress.Port;

        foreach (string path in new[] { "api/processes", "api/health", "", "metrics" })
        {
            using var response = await SendAsync(server, HttpMethod.Get, path, host: "evil.example");
            string body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"{path}: {body}");
            response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
            JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!.ShouldContain("'evil.example'");
            body.ShouldContain("--allowed-host");
        }
        // The same name on the wrong port is another origin.
        (await SendAsync(server, HttpMethod.Get, "api/processes", host: $"localhost:{port + 1}")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        foreach (string host in new[] { $"localhost:{port}", $"127.0.0.1:{port}", $"LOCALHOST:{port}", "dash.example", "dash.example:443" })
            (await SendAsync(server, HttpMethod.Get, "api/processes", host: host)).StatusCode.ShouldBe(HttpStatusCode.OK, host);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7070", "127.0.0.1:7070", 7070, true)]
    [InlineData("http://127.0.0.1:7070", "localhost:7070", 7070, true)]
    [InlineData("http://127.0.0.1:7070", "[::1]:7070", 7070, true)]
    [InlineData("http://127.0.0.1:7070", "evil.example:7070", 7070, false)]
    [InlineData("http://127.0.0.1:7070", "127.0.0.1:7071", 7070, false)]
    [InlineData("http://127.0.0.1:80", "localhost", 80, true)]
    [InlineData("http://[::1]:7070", "[::1]:7070", 7070, true)]
    [InlineData("http://10.1.2.3:7070", "10.1.2.3:7070", 7070, true)]
    [InlineData("http://0.0.0.0:7070", "anything.example:7070", 7070, true)]
    [InlineData("http://*:7070", "anything.example", 7070, true)]
    [InlineData("http://+:7070", "10.9.9.9:7070", 7070, true)]
    [InlineData("http://[::]:7070", "anything.example", 7070, true)]
    public void HostAllowed_WithoutAllowedHosts(string url, string host, int localPort, bool allowed) =>
        new RequestGate([url], []).HostAllowed(new HostString(host), localPort).ShouldBe(allowed);

    [Theory]
    [InlineData("dash.example", true)]
    [InlineData("dash.example:8443", true)]
    [InlineData("localhost:7070", true)]
    [InlineData("evil.example:7070", false)]
    [InlineData("10.9.9.9:7070", false)]
    public void HostAllowed_WildcardWithAllowedHost_OnlyThoseAndLoopback(string host, bool allowed) =>
        new RequestGate(["http://0.0.0.0:7070"], ["dash.example"]).HostAllowed(new HostString(host), 7070).ShouldBe(allowed);

    [Fact]
    public async Task StateChange_CrossSite_RefusedAndNothingDone_SameOriginOrNoOriginAccepted()
    {
        using var target = new NodeProgram("leaky-service.js", flags: FreeInspectorPort);
        await target.PortAsync();
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, target.Pid, interval: TimeSpan.FromMilliseconds(500));
        long id = (await server.WaitForAsync("api/processes", p => p.GetArrayLength() == 1))[0].GetProperty("id").GetInt64();
        string path = $"api/processes/{id}/snapshot";
        string own = $"http://{server.BaseAddress.Authority}";

        var refusals = new (string? Origin, string? FetchSite)[]
        {
            ("http://evil.example", "cross-site"),
            ("http://evil.example", null),
            (null, "cross-site"),
            (null, "same-site"),
            ("null", null),
            ($"http://localhost:{server.BaseAddress.Port}", null), // another origin, though the same machine
            ($"https://{server.BaseAddress.Authority}", null),
        };
        foreach (var (origin, fetchSite) in refusals)
        {
            using var response = await SendAsync(server, HttpMethod.Post, path, origin: origin, fetchSite: fetchSite);
            string body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, $"Origin {origin}, Sec-Fetch-Site {fetchSite}: {body}");
            JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!.ShouldContain("refused");
        }
        // A DELETE too; and reading stays open to the same headers (a GET changes nothing).
        (await SendAsync(server, HttpMethod.Delete, "api/jobs/1", origin: "http://evil.example", fetchSite: "cross-site")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await SendAsync(server, HttpMethod.Get, "api/processes", origin: "http://evil.example", fetchSite: "cross-site")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await server.GetJsonAsync("api/jobs")).GetArrayLength().ShouldBe(0, "a refused request started a job");
        Directory.Exists(Path.Combine(dir.Path, "snapshots")).ShouldBeTrue();
        Directory.GetFiles(Path.Combine(dir.Path, "snapshots")).ShouldBeEmpty();

        // The UI's own requests, then a script's (no Origin): accepted.
        foreach (var (origin, fetchSite) in new (string?, string?)[] { (own, "same-origin"), (null, null) })
        {
            using var response = await SendAsync(server, HttpMethod.Post, path, origin: origin, fetchSite: fetchSite);
            string body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted, $"Origin {origin}: {body}");
            var job = await server.WaitForJobAsync(JsonDocument.Parse(body).RootElement.GetProperty("job").GetProperty("id").GetInt64());
            job.GetProperty("state").GetString().ShouldBe("done", job.ToString());
        }
        (await server.GetJsonAsync("api/jobs")).GetArrayLength().ShouldBe(2);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json")]
    [InlineData(null)]
    public async Task Upload_NotOctetStream_UnsupportedMediaTypeAndNothingStored(string? contentType)
    {
        string file = fixtures.Get("small.js");
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId);

        var content = new ByteArrayContent(await File.ReadAllBytesAsync(file));
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var problem = await server.PostJsonAsync("api/snapshots?name=small.heapsnapshot", content, HttpStatusCode.UnsupportedMediaType);
        problem.GetProperty("error").GetString()!.ShouldContain("application/octet-stream");

        (await server.GetJsonAsync("api/snapshots")).GetArrayLength().ShouldBe(0);
        (await server.GetJsonAsync("api/jobs")).GetArrayLength().ShouldBe(0);
        Directory.GetFiles(Path.Combine(dir.Path, "snapshots")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Upload_ChunkedOverLimit_PayloadTooLargeAndNothingKept()
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, maxUploadBytes: 1L << 20);

        // A snapshot's start, then more than the limit, sent without a length.
        byte[] body = new byte[3 << 20];
        "{\"snapshot\":{"u8.CopyTo(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/snapshots?name=big.heapsnapshot")
        {
            Content = DashboardApplication.Upload(new StreamContent(new UnknownLengthStream(body))),
        };
        request.Headers.TransferEncodingChunked = true;
        using var response = await server.Http.SendAsync(request);
        string answer = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge, answer);
        JsonDocument.Parse(answer).RootElement.GetProperty("kind").GetString().ShouldBe("tooLarge");

        (await server.GetJsonAsync("api/snapshots")).GetArrayLength().ShouldBe(0);
        Directory.GetFiles(Path.Combine(dir.Path, "snapshots")).ShouldBeEmpty();
    }

    [Fact]
    public async Task Id_NotPlainDigits_NotFoundAndNothingDeleted()
    {
        string file = fixtures.Get("small.js");
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId);
        await using var body = File.OpenRead(file);
        var accepted = await server.PostJsonAsync("api/snapshots?name=small.heapsnapshot", DashboardApplication.Upload(new StreamContent(body)));
        long id = accepted.GetProperty("snapshot").GetProperty("id").GetInt64();
        await server.WaitForJobAsync(accepted.GetProperty("job").GetProperty("id").GetInt64());

        // " 1" for snapshot 1, every character escaped so that nothing on the way normalises it.
        string spaced = "%20" + string.Concat(id.ToString(CultureInfo.InvariantCulture).Select(c => $"%{(int)c:X2}"));
        foreach (string path in new[] { $"api/snapshots/{spaced}", $"api/snapshots/{id}%20", $"api/snapshots/+{id}", $"api/snapshots/{spaced}/summary",
                     "api/snapshots/99999999999999999999", "api/processes/%201", "api/jobs/%201" })
        {
            var problem = await server.GetJsonAsync(path, HttpStatusCode.NotFound);
            problem.GetProperty("status").GetInt32().ShouldBe(404, path);
        }
        using (var response = await server.Http.DeleteAsync($"api/snapshots/{spaced}"))
            response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await server.GetJsonAsync($"api/snapshots/{id}")).GetProperty("id").GetInt64().ShouldBe(id);
        (await server.GetJsonAsync("api/snapshots")).GetArrayLength().ShouldBe(1);
    }

    private static async Task<HttpResponseMessage> SendAsync(DashboardApplication server, HttpMethod method, string path, string? host = null,
        string? origin = null, string? fetchSite = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (host is not null) request.Headers.Host = host;
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (fetchSite is not null) request.Headers.Add("Sec-Fetch-Site", fetchSite);
        return await server.Http.SendAsync(request);
    }

    /// <summary>Bytes from memory behind a stream that does not tell its length, so HTTP sends them chunked.</summary>
    private sealed class UnknownLengthStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }
}
