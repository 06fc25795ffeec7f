using System.Text.Json.Nodes;

namespace Heapdog.Server.Tests.Hosting;

/// <summary>The served OpenAPI document is the contract the web UI's types are generated from (web/openapi.json).</summary>
public sealed class OpenApiContractTests
{
    [Fact]
    public async Task OpenApi_Document_EqualsTheCommittedContract()
    {
        using var dir = new TempDirectory();
        await using var server = await DashboardApplication.StartAsync(dir.Path, Environment.ProcessId);
        var served = JsonNode.Parse(await server.Http.GetStringAsync("openapi/v1.json"))!;
        string committedPath = Path.Combine(RepoPaths.Root, "web", "openapi.json");
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(committedPath))!;

        JsonNode.DeepEquals(served, committed).ShouldBeTrue(
            $"the served OpenAPI document differs from {committedPath} ({Differences(served, committed)}): run `bash web/update-openapi.sh` " +
            "and commit web/openapi.json with the web UI's types regenerated from it");

        // Every success that has a body names its schema, so the UI's types never lose a response shape.
        foreach (var (path, pathItem) in served["paths"]!.AsObject())
        foreach (var (method, operation) in pathItem!.AsObject())
        foreach (var (status, response) in operation!["responses"]!.AsObject())
        {
            if (!status.StartsWith('2') || status == "204") continue;
            response!["content"]?["application/json"]?["schema"].ShouldNotBeNull($"{method.ToUpperInvariant()} {path} {status} has no application/json schema");
        }
    }

    /// <summary>The paths (and other top-level keys) that differ, so the failure says where to look.</summary>
    private static string Differences(JsonNode served, JsonNode committed)
    {
        var differing = new List<string>();
        foreach (var key in served.AsObject().Select(p => p.Key).Union(committed.AsObject().Select(p => p.Key)))
        {
            var a = served[key];
            var b = committed[key];
            if (a is JsonObject objectA && b is JsonObject objectB && key is "paths" or "components")
            {
                foreach (var inner in objectA.Select(p => p.Key).Union(objectB.Select(p => p.Key)))
                {
                    if (key == "components" && objectA[inner] is JsonObject ca && objectB[inner] is JsonObject cb)
                        differing.AddRange(ca.Select(p => p.Key).Union(cb.Select(p => p.Key))
                            .Where(name => !JsonNode.DeepEquals(ca[name], cb[name])).Select(name => $"{key}.{inner}.{name}"));
                    else if (!JsonNode.DeepEquals(objectA[inner], objectB[inner]))
                        differing.Add($"{key} {inner}");
                }
            }
            else if (!JsonNode.DeepEquals(a, b))
                differing.Add(key);
        }
        return differing.Count == 0 ? "no difference found by key" : "differing: " + string.Join(", ", differing);
    }
}
