using System.Net;
using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Actions;
using Heapdog.Server.Agents;
using Heapdog.Server.Fleet;
using Heapdog.Server.Jobs;
using Heapdog.Server.Metrics;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Reports.Serve;
using Heapdog.Workflows.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Heapdog.Server.Hosting;

/// <summary>
/// <c>heapdog serve</c>: the watcher, the snapshot library and the jobs in one process, behind the JSON API, the web
/// UI and <c>/metrics</c> on Kestrel. The watcher keeps its own store connection and runs on its own loop; requests
/// read the same SQLite file through pooled connections.
/// </summary>
public static class DashboardServer
{
    /// <summary>Serves until <paramref name="ct"/> is cancelled. Once listening it prints one line on stdout, or with
    /// <paramref name="json"/> one <see cref="ServeResult"/> document, and the URL to open on stderr.</summary>
    public static async Task RunAsync(ServeOptions options, TextWriter output, TextWriter error, CancellationToken ct, bool json = false)
    {
        await using var host = await DashboardHost.StartAsync(options, error, ct);
        // The token is shown only when it was made up now: one from HEAPDOG_TOKEN stays in the environment.
        string? shown = options.Token is null ? null : options.TokenGenerated ? options.Token : "$HEAPDOG_TOKEN";
        string[] open = shown is null ? [] : [.. host.Urls.Select(url => $"{url}/?{TokenGate.QueryName}={shown}")];
        if (json)
            ReportJson.Write(output, new ServeResult(1, host.Urls, open, host.StorePath, host.SnapshotsDirectory, host.Watching,
                Environment.ProcessId, WebUiFiles.Available), HeapdogJsonContext.Default.ServeResult);
        else
            await output.WriteLineAsync($"heapdog serve: {string.Join(", ", host.Urls)}  (store {host.StorePath}, snapshots {host.SnapshotsDirectory}, " +
                $"watching {host.Watching} process(es){(WebUiFiles.Available ? "" : "; no web UI in this build")})");
        await output.FlushAsync(ct);
        // The URL to open, once, on stderr: the browser keeps the token as a cookie and drops it from the address.
        foreach (string url in open) await error.WriteLineAsync($"heapdog serve: open {url}");
        await error.FlushAsync(ct);
        // Until Ctrl+C; then the host stops serving as it is disposed.
        await host.Running;
    }

    internal static WebApplication Build(ServeOptions options, IDashboardStore store, LiveProcesses live, SnapshotLibrary library, JobBoard jobs,
        InspectorSessions sessions, StoreWriteState storeState, long startedMs, FleetState fleet)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "heapdog", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.Urls]);
        // The slim builder leaves HTTPS out; https:// URLs need it, with the certificate below.
        if (options.CertificatePath is not null) builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            k.AddServerHeader = false;
            if (options.CertificatePath is { } cert)
            {
                var certificate = Certificates.Load(cert, options.KeyPath);
                k.ConfigureHttpsDefaults(https => https.ServerCertificate = certificate);
            }
        });
        builder.Services.AddSingleton(jobs);
        // For the agent tools at /mcp, which read the dashboard's state as the API does.
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(live);
        builder.Services.AddSingleton(library);
        builder.Services.AddSingleton(fleet);
        builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<DigitsRouteConstraint>(DigitsRouteConstraint.Name));
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c => Problems.Complete(c.ProblemDetails, c.HttpContext));
        // A query value that does not bind (top=abc) is thrown, so that its message, which names the parameter, reaches
        // the problem below instead of an empty 400.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // The reports' own contract (indented, as the commands print them), then the server's shapes. The default
            // escaping too, as --json writes it ("\u003C" for '<'), rather than ASP.NET Core's relaxed one, so that a
            // report served is the same text as the report printed.
            o.SerializerOptions.WriteIndented = true;
            o.SerializerOptions.Encoder = JavaScriptEncoder.Default;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, HeapdogJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, ServerJsonContext.Default);
        });
        builder.Services.AddApiDocument();
        builder.Services.AddAgentTools();

        var app = builder.Build();
        // Every 4xx is a problem, those ASP.NET Core answers by itself too: status-code pages fill the empty ones
        // (no route, wrong method), and a BadHttpRequestException (a value that does not bind, a body over the limit)
        // becomes one with its message.
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            catch (BadHttpRequestException e) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                await Problems.Of(e.StatusCode, e.Message).ExecuteAsync(context);
            }
        });
        var requestGate = new RequestGate(options.Urls, options.AllowedHosts);
        app.Use((context, next) => requestGate.InvokeAsync(context, () => next(context)));
        var agentGate = new AgentGate(fleet.Tokens);
        app.Use((context, next) => agentGate.InvokeAsync(context, () => next(context)));
        if (options.Token is { } token)
        {
            var gate = new TokenGate(token);
            app.Use((context, next) => gate.InvokeAsync(context, () => next(context)));
        }
        // A request that writes the store (an upload, a delete) while it is full or read-only: the store's problem, not a 500.
        app.Use(async (context, next) =>
        {
            try { await next(context); }
            catch (StoreException e) when (!context.Response.HasStarted)
            {
                await Problems.Of(StoreOpener.Translate(e)).ExecuteAsync(context);
            }
        });
        // The one document by its name: any other /openapi/ path is no route (a problem), not a text/plain refusal.
        app.MapOpenApi("/openapi/v1.json");
        app.MapGet("/api/health", () =>
        {
            var s = storeState.Current;
            return TypedResults.Ok(new Health(Version, startedMs, options.StoreOrFile.Display, library.Directory, live.Current.Values.Count(p => !p.Exited),
                new StoreHealth(s.Writable, s.Reason, s.SinceMs, s.Message, store.Kind)));
        }).WithTags("health").WithSummary("Whether the server runs, and whether its store takes the samples; never needs the token");
        app.MapProcesses(store, live, fleet);
        app.MapSnapshots(library, options.MaxUploadBytes);
        app.MapActions(store, live, library, jobs, sessions, fleet);
        app.MapJobs(jobs);
        app.MapMetrics(store, live, fleet);
        app.MapFleet(fleet, live, library);
        app.MapAgents();
        WebUiFiles.Map(app);
        return app;
    }

    private static string Version =>
        typeof(DashboardServer).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0";

    /// <summary>Whether every URL listens on loopback only (so no token is needed).</summary>
    public static bool LoopbackOnly(IEnumerable<string> urls) => urls.All(url =>
    {
        if (!Uri.TryCreate(url.Replace("://*", "://any-host", StringComparison.Ordinal).Replace("://+", "://any-host", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            return false;
        return uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip));
    });
}
