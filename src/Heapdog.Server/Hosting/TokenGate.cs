using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Heapdog.Server.Hosting;

/// <summary>
/// The token (docs/serve.md, Security): every request for data needs it, as <c>Authorization: Bearer TOKEN</c>
/// (scripts, agents, Prometheus' <c>authorization</c> setting) or as the cookie a page URL with <c>?token=TOKEN</c>
/// sets (the browser: the URL <c>heapdog serve</c> prints at start, or <c>/login?token=TOKEN</c>). Compared in
/// constant time. Open without it: <c>/api/health</c>, and the web UI's own files, which hold no data, so that a
/// browser without the cookie gets the UI and its message to open the printed URL rather than a bare refusal.
/// </summary>
public sealed class TokenGate(string token)
{
    public const string Cookie = "heapdog_token";
    public const string QueryName = "token";
    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);

    /// <summary>A token for a server given none: 32 bytes from the system's CSPRNG, base64url (43 characters that
    /// need no escaping in a URL).</summary>
    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        var path = request.Path;
        // The agents' routes have their own tokens and their own gate (Fleet/AgentGate), which ran before this one.
        if (path == "/api/health" || Fleet.AgentGate.Guards(path))
        {
            await next();
            return;
        }
        if (path == "/login" || (IsPage(request) && request.Query.ContainsKey(QueryName)))
        {
            await LogInAsync(context);
            return;
        }
        if (IsPage(request))
        {
            await next();
            return;
        }
        string? presented = request.Headers.Authorization.ToString() is { Length: > 7 } header
                            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header[7..].Trim()
            : request.Cookies[Cookie];
        if (presented is null || !Matches(presented))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.Of(StatusCodes.Status401Unauthorized,
                "this server needs its token: open the URL 'heapdog serve' printed at start (…/?token=TOKEN) or send 'Authorization: Bearer TOKEN'")
                .ExecuteAsync(context);
            return;
        }
        await next();
    }

    /// <summary>
    /// A page opened with its token: sets the cookie and sends the browser to the same page without the token, so that
    /// the token stays out of the history, bookmarks and the Referer of later requests.
    /// </summary>
    private async Task LogInAsync(HttpContext context)
    {
        var request = context.Request;
        string given = request.Query[QueryName].ToString();
        if (!Matches(given))
        {
            await Problems.Of(StatusCodes.Status401Unauthorized,
                "wrong or missing token: open the URL 'heapdog serve' printed at start (…/?token=TOKEN)").ExecuteAsync(context);
            return;
        }
        context.Response.Cookies.Append(Cookie, given, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = request.IsHttps,
            Path = "/",
        });
        // One leading slash only: "//evil.example" or "/\evil.example" would send the browser to another site.
        var page = request.Path == "/login" ? PathString.Empty : new PathString("/" + request.Path.Value!.TrimStart('/', '\\'));
        var rest = QueryString.Create(request.Query.Where(q => q.Key != QueryName));
        context.Response.Redirect((page.HasValue ? page.ToUriComponent() : "/") + rest.ToUriComponent());
    }

    /// <summary>A request for a page of the web UI (a GET of anything that is not the API, <c>/metrics</c>, the OpenAPI
    /// document or <c>/mcp</c>): the UI's files, which hold no data.</summary>
    private static bool IsPage(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/openapi")
        && !request.Path.StartsWithSegments("/mcp") && !request.Path.StartsWithSegments("/metrics");

    private bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);
}
