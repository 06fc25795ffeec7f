using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Heapdog.Server.Hosting;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>The token: every route for data needs it, by header or by the cookie a page URL with <c>?token=</c> sets. A real server in-process (<see cref="DashboardApplication"/>), a real SQLite file.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class TokenGateTests
{
    private const string Token = "0123456789abcdef-secret";

    [Fact]
    public async Task Token_Set_EveryDataRouteButHealthNeedsIt()
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, token: Token);
        using var anonymous = server.Anonymous();

        foreach (var path in new[] { "api/processes", "metrics", "openapi/v1.json", "api/snapshots/1/summary", "api/nope" })
        {
            using var response = await anonymous.GetAsync(path);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer");
            var problem = await ProblemAsync(response);
            problem.GetProperty("kind").GetString().ShouldBe("unauthorized");
            problem.GetProperty("error").GetString()!.ShouldContain("?token=");
        }
        (await anonymous.PostAsync("mcp", new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync("api/health")).StatusCode.ShouldBe(HttpStatusCode.OK);
        // The UI's own files hold no data: a browser without the cookie gets them, and the UI says to open the URL.
        (await anonymous.GetAsync("")).StatusCode.ShouldNotBe(HttpStatusCode.Unauthorized);

        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/processes"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token-wrong-token");
            (await anonymous.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        (await server.Http.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("?token=" + Token, "/")]
    [InlineData("login?token=" + Token, "/")]
    [InlineData("snapshots?view=1&token=" + Token, "/snapshots?view=1")]
    // Never to another site: the path keeps one leading slash.
    [InlineData("/evil.example/?token=" + Token, "/evil.example/")]
    public async Task PageWithToken_SetsStrictHttpOnlyCookie_RedirectsWithoutTheToken(string url, string location)
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, token: Token);
        using var browser = server.Anonymous(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        // Absolute, so that "//evil.example/" stays the path of this server's URL.
        using var response = await browser.GetAsync(new Uri(server.BaseAddress.GetLeftPart(UriPartial.Authority) + "/" + url));
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldBe(location);
        string cookie = response.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem();
        cookie.ShouldStartWith($"{TokenGate.Cookie}={Token};");
        cookie.ToLowerInvariant().ShouldContain("httponly");
        cookie.ToLowerInvariant().ShouldContain("samesite=strict");
        cookie.ToLowerInvariant().ShouldContain("path=/");

        // The cookie alone then opens the API, as it does for the UI's requests.
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/processes");
        request.Headers.Add("Cookie", cookie.Split(';')[0]);
        (await browser.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("?token=nope")]
    [InlineData("login?token=nope")]
    [InlineData("login")]
    public async Task PageWithWrongToken_UnauthorizedWithoutCookie(string url)
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, token: Token);
        using var browser = server.Anonymous(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false });

        using var response = await browser.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
        (await ProblemAsync(response)).GetProperty("kind").GetString().ShouldBe("unauthorized");
    }

    [Fact]
    public void NewToken_IsLongRandomAndUrlSafe()
    {
        var tokens = Enumerable.Range(0, 100).Select(_ => TokenGate.NewToken()).ToList();
        tokens.Distinct().Count().ShouldBe(100);
        foreach (string token in tokens)
        {
            token.Length.ShouldBeGreaterThanOrEqualTo(32);
            Uri.EscapeDataString(token).ShouldBe(token);
        }
    }

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response)
    {
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }
}
