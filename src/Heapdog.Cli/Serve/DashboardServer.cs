using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using Heapdog.Cli.CommandLine;
using Heapdog.Cli.Serve.Endpoints;
using Heapdog.Cli.Serve.Jobs;
using Heapdog.Cli.Serve.Snapshots;
using Heapdog.Inspector;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Heapdog.Cli.Serve;

/// <summary>
/// <c>heapdog serve</c>: the watcher, the snapshot library and the jobs in one process, behind the JSON API, the web
/// UI and <c>/metrics</c> on Kestrel. The watcher keeps its own store connection and runs on its own loop; requests
/// read the same SQLite file through pooled connections.
/// </summary>
public static class DashboardServer
{
    public static async Task<int> RunAsync(ServeOptions options, CliContext context, CancellationToken ct)
    {
        using var sampleStore = WatchCommand.OpenStore(options.DbPath);
        var store = new DashboardStore(sampleStore.Path);
        var live = new LiveProcesses();
        await using var probe = options.RuntimeFigures ? new InspectorRuntimeProbe(log: line => context.Error.WriteLine("heapdog: " + line)) : null;
        var watcher = new Watcher(options.Watch, sampleStore, new ProcessSampler(probe), [live]);
        var missing = await watcher.StartAsync(ct);
        if (missing.Count > 0)
            throw new HeapdogException($"no such process: {string.Join(", ", missing)} (not running, or not readable in /proc)", ExitCodes.TargetUnavailable);
        live.Attach(() => watcher.Tracks);

        var jobs = new JobBoard();
        SnapshotLibrary library;
        try { library = new SnapshotLibrary(store, jobs, options.SnapshotsDir, options.LoadedSnapshots); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HeapdogException($"cannot use the snapshot directory {options.SnapshotsDir}: {e.Message}", ExitCodes.OutputFailed, e);
        }

        await using var sessions = new InspectorSessions(probe);
        var app = Build(options, store, live, library, jobs, sessions, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            throw new HeapdogException($"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}", ExitCodes.AddressUnavailable, e);
        }
        catch (SocketException e)
        {
            throw new HeapdogException($"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}", ExitCodes.AddressUnavailable, e);
        }

        await context.Out.WriteLineAsync($"heapdog serve: {string.Join(", ", app.Urls)}  (store {sampleStore.Path}, snapshots {library.Directory}, " +
            $"watching {watcher.Tracks.Count} process(es){(WebUiFiles.Available ? "" : "; no web UI in this build")})");
        await context.Out.FlushAsync(ct);
        try
        {
            var sweep = SweepSessionsAsync(sessions, live, ct);
            var oomScan = KernelOomScan.RunAsync(store, ct);
            // In --pid mode the watch ends when its processes have exited; the dashboard stays up to show them.
            await watcher.RunAsync(ct);
            await Task.WhenAll(sweep, oomScan);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C: stop serving below.
        }
        finally
        {
            jobs.CancelAll();
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        return ExitCodes.Success;
    }

    private static async Task SweepSessionsAsync(InspectorSessions sessions, LiveProcesses live, CancellationToken ct)
    {
        while (true)
        {
            await Task.Delay(TimeSpan.FromSeconds(10), ct);
            await sessions.SweepAsync(live.Current);
        }
    }

    private static WebApplication Build(ServeOptions options, DashboardStore store, LiveProcesses live, SnapshotLibrary library, JobBoard jobs,
        InspectorSessions sessions, long startedMs)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "heapdog", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls([.. options.Urls]);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxUploadBytes;
            k.AddServerHeader = false;
        });
        builder.Services.AddSingleton(jobs);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new()
            {
                Title = "Heapdog",
                Version = Version,
                Description = "Node.js processes, their memory over time, OOM deaths and heap snapshot analyses. Shapes: docs/api.md.",
            };
            return Task.CompletedTask;
        }));

        var app = builder.Build();
        if (options.Token is { } token)
        {
            var gate = new TokenGate(token);
            app.Use((context, next) => gate.InvokeAsync(context, () => next(context)));
        }
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/api/health", () => JsonResults.Of(w =>
        {
            w.WriteStartObject();
            w.WriteString("version", Version);
            w.WriteNumber("startedMs", startedMs);
            w.WriteString("db", options.DbPath);
            w.WriteString("snapshotsDir", library.Directory);
            w.WriteNumber("watching", live.Current.Values.Count(p => !p.Exited));
            w.WriteEndObject();
        })).WithTags("health").WithSummary("Whether the server runs; never needs the token");
        ProcessEndpoints.Map(app, store, live);
        SnapshotEndpoints.Map(app, library, options.MaxUploadBytes);
        ActionEndpoints.Map(app, store, live, library, jobs, sessions);
        MetricsEndpoint.Map(app, store, live);
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
