using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Heapdog.Inspector;

/// <summary>A Node inspector's HTTP discovery endpoint (<c>/json/version</c>, <c>/json/list</c>) and its main target.</summary>
public sealed record InspectorEndpoint(IPEndPoint Address, string Browser, Uri WebSocketUrl, string Title)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.Zero })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    /// <summary>
    /// Asks <paramref name="address"/> whether it is a Node inspector; null when nothing answers or it is something else
    /// (an application's own HTTP port, say). With a <paramref name="network"/>, the address is reached inside that
    /// namespace (a container's loopback), never on the host's.
    /// </summary>
    public static async Task<InspectorEndpoint?> ProbeAsync(IPEndPoint address, CancellationToken cancellationToken, TargetNetwork? network = null)
    {
        using var own = network is null ? null : new HttpClient(network.CreateHandler()) { Timeout = Http.Timeout };
        var http = own ?? Http;
        // The inspector rejects a Host header that is not an IP literal or localhost: always talk to the IP.
        string origin = $"http://{FormatHost(address)}";
        try
        {
            using var version = await GetJsonAsync(http, $"{origin}/json/version", cancellationToken).ConfigureAwait(false);
            if (version is null || version.RootElement.ValueKind != JsonValueKind.Object
                || !version.RootElement.TryGetProperty("Browser", out var browser)) return null;
            string browserName = browser.GetString() ?? "";
            using var list = await GetJsonAsync(http, $"{origin}/json/list", cancellationToken).ConfigureAwait(false);
            if (list is null || list.RootElement.ValueKind != JsonValueKind.Array) return null;
            foreach (var target in list.RootElement.EnumerateArray())
            {
                if (!target.TryGetProperty("webSocketDebuggerUrl", out var ws)) continue;
                // Keep the path Node gave, but the address we reached it on (its own may name an unreachable host).
                var given = new Uri(ws.GetString() ?? "");
                var url = new Uri($"ws://{FormatHost(address)}{given.PathAndQuery}");
                return new InspectorEndpoint(address, browserName, url, target.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "");
            }
            return null;
        }
        catch (HttpRequestException ex) when (TargetNetwork.RefusalIn(ex) is { } refusal)
        {
            throw refusal; // a missing capability, said as such, rather than "no inspector"
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or UriFormatException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Resolves <paramref name="host"/> to an IP (preferring IPv4) so the Host header is one Node accepts.</summary>
    public static async Task<IPAddress> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host.Trim('[', ']'), out var ip)) return ip;
        IPAddress[] addresses;
        try { addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false); }
        catch (SocketException ex)
        {
            throw new InspectorException(InspectorErrorKind.NoEndpoint, $"cannot resolve host '{host}': {ex.Message}", ex);
        }
        return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
            ?? throw new InspectorException(InspectorErrorKind.NoEndpoint, $"host '{host}' has no address");
    }

    private static string FormatHost(IPEndPoint address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address.Address}]:{address.Port}" : $"{address.Address}:{address.Port}";

    private static async Task<JsonDocument?> GetJsonAsync(HttpClient http, string url, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) return null;
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
