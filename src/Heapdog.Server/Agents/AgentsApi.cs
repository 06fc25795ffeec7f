using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Heapdog.Mcp;

namespace Heapdog.Server.Agents;

/// <summary>
/// <c>/mcp</c>: the tools of <c>heapdog mcp</c> (docs/mcp.md) over MCP's streamable HTTP transport, for agents that
/// reach the dashboard rather than start Heapdog themselves. Behind the same token rule as the API; left out of the
/// OpenAPI document, which describes the JSON API.
/// </summary>
public static class AgentsApi
{
    public static IServiceCollection AddAgentTools(this IServiceCollection services)
    {
        services.AddMcpServer(o => o.ServerInfo = HeapdogTools.ServerInfo)
            .WithHttpTransport()
            .WithHeapdogTools(readOnly: false)
            .WithTools<DashboardTools>();
        return services;
    }

    public static void MapAgents(this IEndpointRouteBuilder app) => app.MapMcp("/mcp").ExcludeFromDescription();
}
