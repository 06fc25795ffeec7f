using System.Net.Sockets;
using Heapdog.Inspector;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Actions;
using Heapdog.Server.Fleet;
using Heapdog.Server.Jobs;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Oom;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Monitoring;
using Microsoft.AspNetCore.Builder;

namespace Heapdog.Server.Hosting;

/// <summary>
/// The dashboard started and listening: the watcher, the snapshot library, the jobs and Kestrel, with their background
/// loops running until <see cref="StopAsync"/> or the token given to <see cref="StartAsync"/>. <c>heapdog serve</c>
/// runs one through <see cref="DashboardServer.RunAsync"/>; the tests host one in-process on <c>http://127.0.0.1:0</c>
/// and read the bound address from <see cref="Urls"/>.
/// </summary>
public sealed class DashboardHost : IAsyncDisposable
{
    private readonly ISampleStore _sampleStore;
    private readonly InspectorRuntimeProbe? _probe;
    private readonly InspectorSessions _sessions;
    private readonly JobBoard _jobs;
    private readonly WebApplication _app;
    private readonly CancellationTokenSource _stopping;
    private Task? _stopped;

    private DashboardHost(ISampleStore sampleStore, InspectorRuntimeProbe? probe, InspectorSessions sessions, JobBoard jobs, WebApplication app,
        Watcher watcher, SnapshotLibrary library, CancellationTokenSource stopping, Func<CancellationToken, Task> loops)
    {
        _sampleStore = sampleStore;
        _probe = probe;
        _sessions = sessions;
        _jobs = jobs;
        _app = app;
        _stopping = stopping;
        Urls = [.. app.Urls];
        StorePath = sampleStore.Location;
        SnapshotsDirectory = library.Directory;
        Watching = watcher.Tracks.Count;
        Running = RunLoopsAsync(loops, stopping.Token);
    }

    /// <summary>Where the server listens, with the ports it was given (port 0 becomes the port the system chose).</summary>
    public IReadOnlyList<string> Urls { get; }

    /// <summary>The SQLite store's full path, or the PostgreSQL store's URL without its password.</summary>
    public string StorePath { get; }

    public string SnapshotsDirectory { get; }

    /// <summary>The processes watched when the server started.</summary>
    public int Watching { get; }

    /// <summary>
    /// The watcher and the background scans: completes once they are stopped (by <see cref="StopAsync"/> or the start
    /// token), or faults with what stopped them otherwise. In <c>--pid</c> mode the watch ends when its processes have
    /// exited, but the dashboard stays up to show them, so this does not complete then.
    /// </summary>
    public Task Running { get; }

    /// <summary>
    /// Opens the store, starts watching and listens on <see cref="ServeOptions.Urls"/>. Throws a
    /// <see cref="HeapdogException"/> for a missing process, an unusable snapshot directory or an address in use.
    /// </summary>
    public static async Task<DashboardHost> StartAsync(ServeOptions options, TextWriter error, CancellationToken ct)
    {
        // The command refuses this first, with its own words; checked here too since the host may be started otherwise.
        if (options.Token is null && !DashboardServer.LoopbackOnly(options.Urls))
            throw new HeapdogException(ErrorKind.BadRequest, $"listening on {string.Join(", ", options.Urls)} reaches beyond this machine: a token is required");
        CheckModes(options, line => error.WriteLine("heapdog: " + line));
        var sampleStore = StoreOpener.Open(options.StoreOrFile);
        InspectorRuntimeProbe? probe = null;
        InspectorSessions? sessions = null;
        try
        {
            var store = Stores.DashboardOf(sampleStore);
            var live = new LiveProcesses();
            probe = options.RuntimeFigures ? new InspectorRuntimeProbe(log: line => error.WriteLine("heapdog: " + line)) : null;
            // The dashboard outlives a full or read-only store: it keeps serving what the store holds and shows the
            // fault in its health, while the watcher retries its writes.
            var watcher = new Watcher(options.Watch with { PauseWhenStoreFails = true }, sampleStore, new ProcessSampler(probe), [live]);
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

            sessions = new InspectorSessions(probe);
            var fleet = new FleetState(Stores.FleetOf(sampleStore), library.Directory);
            RemoteActions.Restore(fleet, jobs, library, store, line => error.WriteLine("heapdog: " + line));
            var app = DashboardServer.Build(options, store, live, library, jobs, sessions, watcher.StoreState, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), fleet);
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

            var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var runningSessions = sessions;
            return new DashboardHost(sampleStore, probe, sessions, jobs, app, watcher, library, stopping, async token =>
            {
                var sweep = SweepSessionsAsync(runningSessions, live, token);
                var oomScan = KernelOomScan.RunAsync(store, token);
                await watcher.RunAsync(token);
                await Task.WhenAll(sweep, oomScan);
            });
        }
        catch
        {
            if (sessions is not null) await sessions.DisposeAsync();
            if (probe is not null) await probe.DisposeAsync();
            sampleStore.Dispose();
            throw;
        }
    }

    /// <summary>The store and its journals, the snapshot directory and the snapshots, indexes and profiles in it:
    /// each one others may read is named once, or made owner-only with <see cref="ServeOptions.FixModes"/>.</summary>
    private static void CheckModes(ServeOptions options, Action<string> notice)
    {
        IEnumerable<string> kept = [];
        try
        {
            if (Directory.Exists(options.SnapshotsDir))
                kept = Directory.EnumerateFiles(options.SnapshotsDir)
                    .Where(f => Path.GetExtension(f) is ".heapsnapshot" or ".hdx" or ".heapprofile").ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable directory fails below, where the library opens it, with its own message.
        }
        var store = options.StoreOrFile;
        IEnumerable<string> storeFiles = store.Kind == StoreAddress.Sqlite ? PrivateModes.StoreFiles(store.Target) : [];
        PrivateModes.Check([.. storeFiles, options.SnapshotsDir, .. kept], options.FixModes, notice);
    }

    private static async Task RunLoopsAsync(Func<CancellationToken, Task> loops, CancellationToken stopping)
    {
        // Started from the constructor: yield first so that the caller gets the host before the loops' first step.
        await Task.Yield();
        try
        {
            await loops(stopping);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped: StopAsync or Ctrl+C.
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

    /// <summary>Stops the loops, cancels the jobs, stops Kestrel and closes the store; once, however often called.</summary>
    public Task StopAsync() => _stopped ??= StopOnceAsync();

    private async Task StopOnceAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await Running;
        }
        catch (Exception)
        {
            // A loop that failed has been seen by whoever awaits Running; stopping goes on.
        }
        finally
        {
            _jobs.CancelAll();
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
            await _sessions.DisposeAsync();
            if (_probe is not null) await _probe.DisposeAsync();
            _sampleStore.Dispose();
            _stopping.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
