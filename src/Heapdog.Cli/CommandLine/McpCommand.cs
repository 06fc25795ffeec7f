using System.CommandLine;
using Heapdog.Mcp;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog mcp [--read-only]</c>: Heapdog's tools for coding agents over MCP's stdio transport (docs/mcp.md).</summary>
public static class McpCommand
{
    public static Command Create(CliContext context)
    {
        var readOnly = new Option<bool>("--read-only") { Description = "Expose only the tools that read snapshot files (no ps, snapshot, hunt or sample)" };
        var loaded = new Option<int>("--loaded") { Description = "How many analysed snapshots to keep in memory for follow-up calls", DefaultValueFactory = _ => SnapshotCache.DefaultCapacity }.InRange(1, 64);
        var command = new Command("mcp", "Serve Heapdog's tools to a coding agent over MCP (stdio): analyze, leaks, inspect, paths, hunt, …");
        command.Options.Add(readOnly);
        command.Options.Add(loaded);
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(loaded) < 1) throw new Workflows.Errors.HeapdogException(Workflows.Errors.ErrorKind.BadRequest, "--loaded must be 1 or more");
            // stdout carries MCP messages only: no status line may reach it, and none goes to stderr either.
            context.Progress.Enabled = false;
            await HeapdogMcpServer.RunStdioAsync(parse.GetValue(readOnly), parse.GetValue(loaded), ct);
            return ExitCodes.Success;
        });
        return command;
    }
}
