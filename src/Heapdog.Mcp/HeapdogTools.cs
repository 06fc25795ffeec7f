using Microsoft.Extensions.DependencyInjection;

namespace Heapdog.Mcp;

/// <summary>Heapdog's tools on an MCP server, whatever its transport: stdio (<c>heapdog mcp</c>) or streamable HTTP
/// (<c>/mcp</c> in <c>heapdog serve</c>).</summary>
public static class HeapdogTools
{
    public static IMcpServerBuilder WithHeapdogTools(this IMcpServerBuilder builder, bool readOnly, int loadedSnapshots = SnapshotCache.DefaultCapacity)
    {
        builder.Services.AddSingleton(new SnapshotCache(loadedSnapshots));
        builder.Services.AddSingleton<McpWorkspace>();
        builder.WithTools<SnapshotTools>();
        if (!readOnly) builder.WithTools<LiveTools>();
        return builder;
    }

    /// <summary>What the server says it is to MCP clients.</summary>
    public static ModelContextProtocol.Protocol.Implementation ServerInfo { get; } = new()
    {
        Name = "heapdog",
        Version = typeof(HeapdogTools).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion.Split('+')[0] ?? "0",
    };
}
