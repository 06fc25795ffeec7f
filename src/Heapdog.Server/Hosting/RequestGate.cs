using System.Net;
using Microsoft.AspNetCore.Http;

namespace Heapdog.Server.Hosting;

/// <summary>
/// What every request passes before the token and the routes, token or not (docs/serve.md, Security):
/// <list type="bullet">
/// <item>its <c>Host</c> must name this server (a bound address, <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>, with the
/// port listened on, or a name given with <c>--allowed-host</c>), so that a page of another site whose name was rebound to
/// 127.0.0.1 (DNS rebinding) reads nothing; on a wildcard address any <c>Host</c> passes unless <c>--allowed-host</c> is
/// given;</item>
/// <item>a request that changes state (any method but GET, HEAD and OPTIONS) must not come from another site: refused
/// when <c>Sec-Fetch-Site</c> is <c>cross-site</c> or <c>same-site</c>, or when <c>Origin</c> is present and is not the
/// request's own origin. Requests without either header (curl, scripts) pass.</item>
/// </list>
/// </summary>
public sealed class RequestGate
{
    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    private readonly HashSet<string> _boundNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _allowedHosts = new(StringComparer.OrdinalIgnoreCase);
    private readonly bool _anyHost;

    /// <param name="urls">The URLs listened on (<c>--urls</c>).</param>
    /// <param name="allowedHosts">The names given with <c>--allowed-host</c>: <c>NAME</c> (any port) or <c>NAME:PORT</c>.</param>
    public RequestGate(IEnumerable<string> urls, IEnumerable<string> allowedHosts)
    {
        bool wildcard = false;
        foreach (string url in urls)
        {
            string host = HostOf(url);
            if (host is "*" or "+" or "0.0.0.0" or "[::]" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip)
                                                             && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))))
                wildcard = true;
            else if (host.Length > 0)
                _boundNames.Add(host);
        }
        foreach (string name in allowedHosts)
            if (name.Trim() is { Length: > 0 } trimmed) _allowedHosts.Add(trimmed);
        _anyHost = wildcard && _allowedHosts.Count == 0;
    }

    public async Task InvokeAsync(HttpContext context, Func<Task> next)
    {
        var request = context.Request;
        if (!HostAllowed(request.Host, context.Connection.LocalPort))
        {
            await Problems.Of(StatusCodes.Status403Forbidden,
                $"Host '{request.Host.Value}' is not a name of this server: open it by the address it listens on, " +
                "or add the name with 'heapdog serve --allowed-host NAME'").ExecuteAsync(context);
            return;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !HttpMethods.IsOptions(request.Method)
            && CrossSite(request) is { } why)
        {
            await Problems.Of(StatusCodes.Status403Forbidden,
                $"{request.Method} {request.Path} refused: {why}; the server accepts changes only from its own pages or from clients that send no Origin")
                .ExecuteAsync(context);
            return;
        }
        await next();
    }

    /// <summary>Whether <paramref name="host"/> names this server, listening on <paramref name="localPort"/>.</summary>
    public bool HostAllowed(HostString host, int localPort)
    {
        if (_anyHost) return true;
        if (!host.HasValue) return false;
        string name = host.Host;
        if (_allowedHosts.Contains(name) || _allowedHosts.Contains(host.Value)) return true;
        // Browsers leave out the port when it is the scheme's default: 80 then (TLS is a proxy's business).
        int port = host.Port ?? 80;
        if (port != localPort) return false;
        return _boundNames.Contains(name) || LoopbackNames.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Why the request comes from another site, or null when it does not (or says nothing).</summary>
    private static string? CrossSite(HttpRequest request)
    {
        string fetchSite = request.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Equals("cross-site", StringComparison.OrdinalIgnoreCase) || fetchSite.Equals("same-site", StringComparison.OrdinalIgnoreCase))
            return $"Sec-Fetch-Site is '{fetchSite}'";
        if (request.Headers.Origin.ToString() is not { Length: > 0 } origin) return null;
        return SameOrigin(origin, request) ? null : $"Origin '{origin}' is not this server's ({request.Scheme}://{request.Host.Value})";
    }

    private static bool SameOrigin(string origin, HttpRequest request)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath is not ("/" or "")) return false;
        if (!uri.Scheme.Equals(request.Scheme, StringComparison.OrdinalIgnoreCase)) return false;
        var host = request.Host;
        int requestPort = host.Port ?? (request.IsHttps ? 443 : 80);
        // Uri.Host keeps the brackets of an IPv6 address, as HostString.Host does.
        return uri.Host.Equals(host.Host, StringComparison.OrdinalIgnoreCase) && uri.Port == requestPort;
    }

    /// <summary>The host part of a listening URL (<c>http://127.0.0.1:7070</c> → <c>127.0.0.1</c>, IPv6 in brackets).</summary>
    private static string HostOf(string url)
    {
        int start = url.IndexOf("://", StringComparison.Ordinal);
        string rest = start < 0 ? url : url[(start + 3)..];
        int slash = rest.IndexOf('/');
        if (slash >= 0) rest = rest[..slash];
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            return close < 0 ? rest : rest[..(close + 1)];
        }
        int colon = rest.LastIndexOf(':');
        return colon < 0 ? rest : rest[..colon];
    }
}
