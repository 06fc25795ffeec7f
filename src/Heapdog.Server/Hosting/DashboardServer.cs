using System.Net.Sockets;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;
using System.Reflection;
using Heapdog.Inspector;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Actions;
using Heapdog.Server.Jobs;
using Heapdog.Server.Metrics;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Monitoring;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
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
    public static async Task RunAsync(ServeOptions options, TextWriter output, TextWriter error, CancellationToken ct)
    {
        using var sampleStore = StoreOpener.Open(options.DbPath);
        var store = new DashboardStore(sampleStore.Path);
        var live = new LiveProcesses();
        await using var probe = options.RuntimeFigures ? new InspectorRuntimeProbe(log: line => error.WriteLine("heapdog: " + line)) : null;
        var watcher = new Watcher(options.Watch, sampleStore, new ProcessSampler(probe), [live]);
        var missing = await watcher.StartAsync(ct);
        if (missing.Count > 0)
            throw new HeapdogException(ErrorKind.ProcessUnavailable, $"no such process: {string.Join(", ", missing)} (not running, or not readable in /proc)");
        live.Attach(() => watcher.Tracks);

        var jobs = new JobBoard();
        SnapshotLibrary library;
        try { library = new SnapshotLibrary(store, jobs, options.SnapshotsDir, options.LoadedSnapshots); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HeapdogException(ErrorKind.OutputFailed, $"cannot use the snapshot directory {options.SnapshotsDir}: {e.Message}", e);
        }

        await using var sessions = new InspectorSessions(probe);
        var app = Build(options, store, live, library, jobs, sessions, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        try
        {
            await app.StartAsync(ct);
        }
        catch (IOException e)
        {
            throw new HeapdogException(ErrorKind.AddressUnavailable, $"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}", e);
        }
        catch (SocketException e)
        {
            throw new HeapdogException(ErrorKind.AddressUnavailable, $"cannot listen on {string.Join(", ", options.Urls)}: {e.Message}", e);
        }

        await output.WriteLineAsync($"heapdog serve: {string.Join(", ", app.Urls)}  (store {sampleStore.Path}, snapshots {library.Directory}, " +
            $"watching {watcher.Tracks.Count} process(es){(WebUiFiles.Available ? "" : "; no web UI in this build")})");
        await output.FlushAsync(ct);
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
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            // The reports' own contract (indented, as the commands print them), then the server's shapes.
            o.SerializerOptions.WriteIndented = true;
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            // The commands' escaping (ASP.NET Core's default leaves < > & unescaped), so an answer equals the --json bytes.
            o.SerializerOptions.Encoder = JavaScriptEncoder.Default;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, HeapdogJsonContext.Default);
            o.SerializerOptions.TypeInfoResolverChain.Insert(1, ServerJsonContext.Default);
        });
        builder.Services.AddApiDocument();

        var app = builder.Build();
        if (options.Token is { } token)
        {
            var gate = new TokenGate(token);
            app.Use((context, next) => gate.InvokeAsync(context, () => next(context)));
        }
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/api/health", () => TypedResults.Ok(new Health(Version, startedMs, options.DbPath, library.Directory,
            live.Current.Values.Count(p => !p.Exited)))).WithTags("health").WithSummary("Whether the server runs; never needs the token");
        app.MapProcesses(store, live);
        app.MapSnapshots(library, options.MaxUploadBytes);
        app.MapActions(store, live, library, jobs, sessions);
        app.MapJobs(jobs);
        app.MapMetrics(store, live);
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
