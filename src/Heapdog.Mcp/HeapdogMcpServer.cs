using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Heapdog.Mcp;

/// <summary><c>heapdog mcp</c>: the tools over MCP's stdio transport, until the client closes stdin or the process is
/// interrupted. Nothing but MCP messages goes to stdout; logging is off (stderr stays free for the client's log).</summary>
public static class HeapdogMcpServer
{
    public static async Task RunStdioAsync(bool readOnly, int loadedSnapshots, CancellationToken cancellation)
    {
        var builder = Host.CreateEmptyApplicationBuilder(settings: null);
        builder.Logging.ClearProviders();
        builder.Services.AddMcpServer(o => o.ServerInfo = HeapdogTools.ServerInfo)
            .WithStdioServerTransport()
            .WithHeapdogTools(readOnly, loadedSnapshots);
        using var host = builder.Build();
        await host.RunAsync(cancellation);
    }
}
