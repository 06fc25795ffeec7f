using System.Net;
using System.Net.Http.Headers;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>The token: every route but the health needs it, by header or by the login cookie. A real server in-process (<see cref="DashboardApplication"/>), a real SQLite file, real Node processes.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class TokenGateTests
{
    [Fact]
    public async Task Token_Set_EveryRouteButHealthNeedsIt()
    {
        using var dir = new TempDirectory();
        const string token = "0123456789abcdef-secret";
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, token: token);

        foreach (var path in new[] { "api/processes", "metrics", "", "openapi/v1.json", "api/snapshots/1/summary" })
            (await server.Http.GetAsync(path)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized, path);
        (await server.Http.GetAsync("api/health")).StatusCode.ShouldBe(HttpStatusCode.OK);

        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/processes"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-token-wrong-token");
            (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        }
        using (var request = new HttpRequestMessage(HttpMethod.Get, "api/processes"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            (await server.Http.SendAsync(request)).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        // The browser's way: /login sets an HttpOnly cookie, then pages and the API answer.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = server.BaseAddress };
        (await browser.GetAsync("login?token=nope")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await browser.GetAsync($"login?token={token}")).StatusCode.ShouldBe(HttpStatusCode.OK); // redirected to the UI
        cookies.GetCookies(server.BaseAddress)["heapdog_token"]!.HttpOnly.ShouldBeTrue();
        (await browser.GetAsync("api/processes")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
