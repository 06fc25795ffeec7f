using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Heapdog.Server.Hosting;

/// <summary>
/// When a token is set, every request but <c>/api/health</c> and <c>/login</c> must carry it: as
/// <c>Authorization: Bearer TOKEN</c> (scripts, Prometheus' <c>authorization</c> setting) or as the cookie
/// <c>/login?token=TOKEN</c> sets (the browser). Compared in constant time.
/// </summary>
public sealed class TokenGate(string token)
{
    public const string Cookie = "heapdog_token";
    private readonly byte[] _token = Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var path = context.Request.Path;
        if (path == "/api/health")
        {
            await next();
            return;
        }
        if (path == "/login")
        {
            string given = context.Request.Query["token"].ToString();
            if (!Matches(given))
            {
                await Problems.Of(401, "wrong or missing token: open /login?token=TOKEN (the server's HEAPDOG_TOKEN)").ExecuteAsync(context);
                return;
            }
            context.Response.Cookies.Append(Cookie, given, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = context.Request.IsHttps,
                Path = "/",
            });
            context.Response.Redirect("/");
            return;
        }
        string? presented = context.Request.Headers.Authorization.ToString() is { Length: > 7 } header
                            && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? header[7..].Trim()
            : context.Request.Cookies[Cookie];
        if (presented is null || !Matches(presented))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.Of(401, "this server needs its token: send 'Authorization: Bearer TOKEN' or open /login?token=TOKEN").ExecuteAsync(context);
            return;
        }
        await next();
    }

    private bool Matches(string presented) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _token);
}
