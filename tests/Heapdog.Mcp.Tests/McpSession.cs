using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Heapdog.Mcp.Tests;

/// <summary><c>heapdog mcp</c> started over stdio by the SDK's own client, as a coding agent's client starts it.</summary>
public sealed class McpSession : IAsyncDisposable
{
    private McpSession(McpClient client) => Client = client;

    public McpClient Client { get; }

    public static async Task<McpSession> StartAsync(params string[] options)
    {
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "heapdog",
            Command = "dotnet",
            Arguments = ["exec", HeapdogCommand.Dll, "mcp", .. options],
        });
        return new McpSession(await McpClient.CreateAsync(transport));
    }

    /// <summary>Calls <paramref name="tool"/> and returns its JSON answer; a tool error fails the test with its message.</summary>
    public async Task<JsonElement> CallAsync(string tool, Dictionary<string, object?> arguments, IProgress<ProgressNotificationValue>? progress = null)
    {
        var result = await Client.CallToolAsync(tool, arguments, progress);
        string text = Text(result);
        (result.IsError ?? false).ShouldBeFalse($"{tool}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static string Text(CallToolResult result) => result.Content.OfType<TextContentBlock>().Single().Text;

    public ValueTask DisposeAsync() => Client.DisposeAsync();
}
