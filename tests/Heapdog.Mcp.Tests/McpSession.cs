using System.Diagnostics;
using System.Text;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Heapdog.Mcp.Tests;

/// <summary>
/// <c>heapdog mcp</c> as a coding agent's client runs it: a child process spoken to over its stdin and stdout by the SDK's
/// client. The process is ours, not the SDK's, so that closing the session follows the stdio specification (close the
/// server's input, wait for it to exit) and every step has a deadline: a stuck server fails its test with what it wrote
/// on stderr instead of holding the run.
/// </summary>
public sealed class McpSession : IAsyncDisposable
{
    /// <summary>Long enough for a hunt of three snapshots on a loaded machine; a call past it is a hang.</summary>
    private static readonly TimeSpan CallDeadline = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ExitDeadline = TimeSpan.FromSeconds(30);

    private readonly Process _server;
    private readonly StringBuilder _stderr;

    private McpSession(Process server, McpClient client, StringBuilder stderr)
    {
        _server = server;
        Client = client;
        _stderr = stderr;
    }

    public McpClient Client { get; }

    /// <summary>The server's own exit code once <see cref="DisposeAsync"/> has closed its input; null if it had to be killed.</summary>
    public int? ExitCode { get; private set; }

    public static async Task<McpSession> StartAsync(params string[] options)
    {
        var start = HeapdogCommand.StartInfo(Directory.GetCurrentDirectory(), ["mcp", .. options]);
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var server = Process.Start(start) ?? throw new InvalidOperationException("heapdog mcp did not start");
        var stderr = new StringBuilder();
        server.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (stderr) stderr.AppendLine(e.Data); };
        server.BeginErrorReadLine();
        try
        {
            var transport = new StreamClientTransport(server.StandardInput.BaseStream, server.StandardOutput.BaseStream);
            using var deadline = new CancellationTokenSource(CallDeadline);
            var client = await McpClient.CreateAsync(transport, cancellationToken: deadline.Token);
            return new McpSession(server, client, stderr);
        }
        catch (Exception e)
        {
            server.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"heapdog mcp did not answer its initialize request: {e.Message}{Printed(stderr)}", e);
        }
    }

    /// <summary>Calls <paramref name="tool"/> and returns its JSON answer; a tool error fails the test with its message.</summary>
    public async Task<JsonElement> CallAsync(string tool, Dictionary<string, object?> arguments, IProgress<ProgressNotificationValue>? progress = null)
    {
        var result = await CallToolAsync(tool, arguments, progress);
        string text = Text(result);
        (result.IsError ?? false).ShouldBeFalse($"{tool}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>The raw tool call, errors included, failing with the server's stderr if it passes its deadline.</summary>
    public Task<CallToolResult> CallToolAsync(string tool, Dictionary<string, object?> arguments, IProgress<ProgressNotificationValue>? progress = null) =>
        WithDeadline($"the {tool} call", token => Client.CallToolAsync(tool, arguments, progress, cancellationToken: token).AsTask());

    public Task<IList<McpClientTool>> ListToolsAsync() =>
        WithDeadline("tools/list", token => Client.ListToolsAsync(cancellationToken: token).AsTask());

    public static string Text(CallToolResult result) => result.Content.OfType<TextContentBlock>().Single().Text;

    /// <summary>Closes the server's input, the stdio transport's shutdown signal, and waits for it to exit by itself.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var deadline = new CancellationTokenSource(ExitDeadline);
            await Client.DisposeAsync().AsTask().WaitAsync(deadline.Token);
            _server.StandardInput.Close(); // already closed if the transport closed it: Close is idempotent
            await _server.WaitForExitAsync(deadline.Token);
            ExitCode = _server.ExitCode;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Failing here would hide the test's own failure; a server that outlives its input is killed and reported.
            await Console.Error.WriteLineAsync($"heapdog mcp did not exit after its input closed: {e.Message}{Printed(_stderr)}");
        }
        finally
        {
            if (!_server.HasExited) _server.Kill(entireProcessTree: true);
            _server.Dispose();
        }
    }

    private async Task<T> WithDeadline<T>(string what, Func<CancellationToken, Task<T>> call)
    {
        using var deadline = new CancellationTokenSource(CallDeadline);
        try
        {
            return await call(deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"{what} did not answer within {CallDeadline.TotalMinutes:0} minutes{Printed(_stderr)}");
        }
    }

    private static string Printed(StringBuilder stderr)
    {
        lock (stderr) return stderr.Length == 0 ? "" : $"\nheapdog mcp's stderr:\n{stderr}";
    }
}
