using System.Net;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using Heapdog.Server.Tests.Hosting;

namespace Heapdog.Server.Tests.Agents;

/// <summary><c>/mcp</c>: <c>heapdog mcp</c>'s tools over streamable HTTP on the real dashboard, behind its token.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class AgentsApiTests(SnapshotFixtures fixtures)
{
    private static Task<McpClient> ConnectAsync(Uri baseAddress, string? token = null) =>
        McpClient.CreateAsync(new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = new Uri(baseAddress, "mcp"),
            AdditionalHeaders = token is null ? null : new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        }));

    private static async Task<string> TextAsync(McpClient client, string tool)
    {
        var result = await client.CallToolAsync(tool, new Dictionary<string, object?>());
        string text = result.Content.OfType<TextContentBlock>().Single().Text;
        (result.IsError ?? false).ShouldBeFalse(text);
        return text;
    }

    [Fact]
    public async Task Mcp_OverHttp_ListsEveryToolReadsTheDashboardAndAnalysesASnapshot()
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId);
        await using var client = await ConnectAsync(server.BaseAddress, server.Token);

        var tools = (await client.ListToolsAsync()).Select(t => t.Name).ToList();
        tools.ShouldContain("analyze");
        tools.ShouldContain("hunt");
        tools.ShouldContain("dashboard_processes");

        // The dashboard's own state: the watched process (this test's own), and an empty library and job list.
        var processes = JsonDocument.Parse(await TextAsync(client, "dashboard_processes")).RootElement;
        processes.EnumerateArray().ShouldContain(p => p.GetProperty("pid").GetInt32() == Environment.ProcessId);
        JsonDocument.Parse(await TextAsync(client, "dashboard_snapshots")).RootElement.GetArrayLength().ShouldBe(0);
        JsonDocument.Parse(await TextAsync(client, "dashboard_jobs")).RootElement.GetArrayLength().ShouldBe(0);

        string file = fixtures.Get("small.js");
        var result = await client.CallToolAsync("analyze", new Dictionary<string, object?> { ["file"] = file, ["top"] = 3 });
        string text = result.Content.OfType<TextContentBlock>().Single().Text;
        (result.IsError ?? false).ShouldBeFalse(text);
        var report = JsonDocument.Parse(text).RootElement;
        report.GetProperty("file").GetString().ShouldBe(file);
        report.GetProperty("summary").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task Mcp_WithToken_RefusedWithoutItAnsweredWithIt()
    {
        using var dir = new TempDirectory();
        const string token = "0123456789abcdef-secret";
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId, token: token);

        using (var anonymous = server.Anonymous())
            (await anonymous.PostAsync("mcp", new StringContent("{}"))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var refused = await Should.ThrowAsync<Exception>(() => ConnectAsync(server.BaseAddress));
        refused.ToString().ShouldContain("401");

        await using var client = await ConnectAsync(server.BaseAddress, token);
        (await client.ListToolsAsync()).ShouldContain(t => t.Name == "inspect");
    }
}
