using ModelContextProtocol;
using Heapdog.Workflows.Errors;

namespace Heapdog.Mcp;

/// <summary>Runs a tool's work; an anticipated failure becomes an MCP error whose message is the one line the CLI
/// would print (with its kind), so the agent can act on it.</summary>
internal static class ToolCall
{
    public static string Run(Func<string> work)
    {
        try { return work(); }
        catch (HeapdogException e) { throw Error(e); }
    }

    public static async Task<string> RunAsync(Func<Task<string>> work)
    {
        try { return await work(); }
        catch (HeapdogException e) { throw Error(e); }
    }

    private static McpException Error(HeapdogException e) => new($"{e.Message} ({KindName(e.Kind)})", e);

    private static string KindName(ErrorKind kind) => char.ToLowerInvariant(kind.ToString()[0]) + kind.ToString()[1..];
}
