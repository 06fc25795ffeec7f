using Heapdog.Server.Hosting;
using Microsoft.AspNetCore.Http;

namespace Heapdog.Server.Fleet;

/// <summary>
/// The door of the agents' routes, <c>/api/agent/…</c> (docs/fleet.md, Security): each request carries an agent token
/// as <c>Authorization: Bearer TOKEN</c>, with or without an admin token on the server. A missing or unknown token is a
/// 401 problem, a revoked one a 403; the admin token opens nothing here, and an agent token nothing elsewhere.
/// </summary>
public sealed class AgentGate(AgentTokens tokens)
{
    public const string Prefix = "/api/agent";
    private const string NameItem = "heapdog.agent";

    public static bool Guards(PathString path) => path.StartsWithSegments(Prefix);

    /// <summary>The name of the token the request came with (set by the gate).</summary>
    public static string AgentOf(HttpContext context) => (string)context.Items[NameItem]!;

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        if (!Guards(context.Request.Path))
        {
            await next();
            return;
        }
        string header = context.Request.Headers.Authorization.ToString();
        var record = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? tokens.Find(header[7..].Trim()) : null;
        if (record is null)
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            await Problems.Of(StatusCodes.Status401Unauthorized,
                "an agent needs its own token: make one with 'heapdog tokens create NAME --server URL' and pass it as --token").ExecuteAsync(context);
            return;
        }
        if (record.RevokedMs is not null)
        {
            await Problems.Of(StatusCodes.Status403Forbidden, $"agent token '{record.Name}' was revoked").ExecuteAsync(context);
            return;
        }
        context.Items[NameItem] = record.Name;
        await next();
    }
}
