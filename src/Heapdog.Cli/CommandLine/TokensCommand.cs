using System.CommandLine;
using System.Net.Http.Headers;
using System.Text.Json;
using Heapdog.Server.Fleet;
using Heapdog.Server.Hosting;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Cli.CommandLine;

/// <summary><c>heapdog tokens create|revoke NAME --server URL</c>: agent tokens on a server, with its admin token in
/// HEAPDOG_TOKEN (docs/fleet.md).</summary>
public static class TokensCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("tokens", "Make or revoke the token of an agent on a server (HEAPDOG_TOKEN: the server's admin token)");
        command.Subcommands.Add(Verb(context, "create", "Make a new agent's token and print it (once) on stdout", async (client, name, ct) =>
        {
            var body = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(new TokenRequest(name), ServerJsonContext.Default.TokenRequest));
            body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            string answer = await client.AdminAsync(HttpMethod.Post, "api/tokens", body, ct);
            var created = JsonSerializer.Deserialize(answer, ServerJsonContext.Default.TokenCreated)
                          ?? throw new HeapdogException(ErrorKind.Malformed, "the server's answer holds no token");
            await context.Out.WriteLineAsync(created.Token);
        }));
        command.Subcommands.Add(Verb(context, "revoke", "Revoke an agent's token: the server refuses its agent from then on", async (client, name, ct) =>
        {
            await client.AdminAsync(HttpMethod.Delete, "api/tokens/" + Uri.EscapeDataString(name), null, ct);
            await context.Error.WriteLineAsync($"heapdog: token '{name}' revoked");
        }));
        return command;
    }

    private static Command Verb(CliContext context, string verb, string description, Func<FleetClient, string, CancellationToken, Task> act)
    {
        var name = new Argument<string>("NAME") { Description = "The agent's name (letters, digits, '-', '_', '.')" };
        var server = new Option<string>("--server") { Description = "The server's URL, e.g. https://heapdog.example:7070", Required = true };
        var command = new Command(verb, description) { name, server };
        command.SetAction(async (parse, ct) =>
        {
            string admin = Environment.GetEnvironmentVariable(ServeCommand.TokenVariable) is { Length: > 0 } t ? t
                : throw new HeapdogException(ErrorKind.BadRequest, $"set {ServeCommand.TokenVariable} to the server's admin token");
            using var client = new FleetClient(AgentCommand.ServerUri(parse.GetValue(server)!), admin, host: "");
            try
            {
                await act(client, parse.GetValue(name)!, ct);
            }
            catch (ServerUnreachableException e)
            {
                throw new HeapdogException(ErrorKind.ProcessUnavailable, $"cannot reach the server: {e.Message}", e);
            }
            return ExitCodes.Success;
        });
        return command;
    }
}
