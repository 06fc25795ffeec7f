using System.Globalization;
using System.Net;
using System.Text;
using Heapdog.Server.Metrics;
using Heapdog.Server.Processes;
using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.CommandLine;

/// <summary>
/// <c>heapdog agent --metrics-port PORT</c>: the host's own series at <c>/metrics</c>, the same as the server's for
/// these processes, for a Prometheus on the host. The one port an agent opens, on loopback unless
/// <c>--metrics-address</c> says otherwise; it serves nothing else and changes nothing.
/// </summary>
public sealed class AgentMetrics : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Task _serving;

    private AgentMetrics(HttpListener listener, LiveProcesses live, string host, string url)
    {
        _listener = listener;
        Url = url;
        _serving = Task.Run(() => ServeAsync(live, host));
    }

    public string Url { get; }

    public static AgentMetrics Start(string address, int port, LiveProcesses live, string host)
    {
        if (port is < 1 or > 65535) throw new HeapdogException(ErrorKind.BadRequest, $"--metrics-port must be between 1 and 65535, got {port}");
        string bound = IPAddress.TryParse(address, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address;
        string prefix = $"http://{bound}:{port.ToString(CultureInfo.InvariantCulture)}/metrics/";
        var listener = new HttpListener();
        listener.Prefixes.Add(prefix);
        try
        {
            listener.Start();
        }
        catch (HttpListenerException e)
        {
            throw new HeapdogException(ErrorKind.AddressUnavailable, $"cannot listen on {prefix}: {e.Message}", e);
        }
        return new AgentMetrics(listener, live, host, prefix.TrimEnd('/'));
    }

    private async Task ServeAsync(LiveProcesses live, string host)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException) { return; }
            using var response = context.Response;
            if (context.Request.HttpMethod is not ("GET" or "HEAD"))
            {
                response.StatusCode = 405;
                continue;
            }
            byte[] body = Encoding.UTF8.GetBytes(MetricsApi.Render(live, host));
            response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            response.ContentLength64 = body.Length;
            try { await response.OutputStream.WriteAsync(body); }
            catch (Exception e) when (e is HttpListenerException or IOException) { /* the scraper went away */ }
        }
    }

    public void Dispose()
    {
        _listener.Close();
        try { _serving.Wait(TimeSpan.FromSeconds(2)); }
        catch (AggregateException) { }
    }
}
