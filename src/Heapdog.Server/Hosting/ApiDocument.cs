using Microsoft.Extensions.DependencyInjection;
using Heapdog.Server.Actions;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Sampling;

namespace Heapdog.Server.Hosting;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: the contract the web UI's TypeScript types are generated from
/// (web/openapi.json, checked by a test). It is the same for every address the server listens on and versioned by the
/// API, not the build; it also names the shapes a job's <c>result</c> takes, which no route returns directly.
/// </summary>
public static class ApiDocument
{
    /// <summary>What a finished job's <c>result</c> holds, by job kind.</summary>
    private static readonly (string Name, Type Type)[] JobResults =
    [
        ("CaptureResult", typeof(CaptureResult)),
        ("LeaksResult", typeof(LeaksResult)),
        ("SampleResult", typeof(SampleResult)),
    ];

    public static IServiceCollection AddApiDocument(this IServiceCollection services) => services.AddOpenApi(o => o.AddDocumentTransformer(async (document, context, ct) =>
    {
        document.Info = new()
        {
            Title = "Heapdog",
            Version = "1",
            Description = "Node.js processes, their memory over time, OOM deaths and heap snapshot analyses. Shapes: docs/api.md.",
        };
        document.Servers = [];
        foreach (var (name, type) in JobResults)
        {
            if (document.Components?.Schemas?.ContainsKey(name) == true) continue;
            document.AddComponent(name, await context.GetOrCreateSchemaAsync(type, cancellationToken: ct));
        }
    }));
}
