using Heapdog.Inspector;
using Heapdog.Monitoring.Sampling;
using Heapdog.Monitoring.Store;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Monitoring;
using Heapdog.Workflows.Oom;

namespace Heapdog.Workflows.Fleet;

/// <summary>
/// <c>heapdog agent</c> (docs/fleet.md): watches this host's Node processes as <c>watch</c> does into a local buffer
/// store, scans the kernel's logs for OOM deaths, ships the buffer to the server in idempotent batches, and runs the
/// server's remote actions. Every connection is outbound. Each loop keeps its own connection to the buffer (a SQLite
/// connection serves one thread at a time); WAL lets them write it side by side.
/// </summary>
public sealed class FleetAgent : IAsyncDisposable
{
    private readonly AgentOptions _options;
    private readonly Action<string> _log;
    private readonly SampleStore _watchStore, _shipStore, _jobStore;
    private readonly InspectorRuntimeProbe? _probe;
    private readonly FleetClient _client;

    /// <param name="options">How the agent runs.</param>
    /// <param name="log">Where its lines go.</param>
    /// <param name="listeners">Told about each round too (the agent's own metrics).</param>
    public FleetAgent(AgentOptions options, Action<string> log, IReadOnlyList<IWatchListener>? listeners = null)
    {
        _options = options;
        _log = log;
        MemoryRelease.LimitMallocArenas();
        _watchStore = StoreOpener.Open(options.BufferPath);
        _shipStore = StoreOpener.Open(options.BufferPath);
        _jobStore = StoreOpener.Open(options.BufferPath);
        _probe = options.RuntimeFigures ? new InspectorRuntimeProbe(log: log) : null;
        _client = new FleetClient(options.Server, options.Token, options.HostName);
        // Only the buffer's own bound drops samples: the watcher's retention would roll up and drop what the server has
        // not received yet.
        var forever = new RetentionPolicy(TimeSpan.FromDays(3650), TimeSpan.FromDays(3650));
        Verdicts = new VerdictBoard(() => Watcher!.Tracks);
        Watcher = new Watcher(options.Watch with { Retention = forever, PauseWhenStoreFails = true }, _watchStore, new ProcessSampler(_probe), [Verdicts, .. listeners ?? []]);
        Shipper = new BatchShipper(options, _shipStore, _client, Verdicts, log);
    }

    public Watcher Watcher { get; }
    public VerdictBoard Verdicts { get; }
    public BatchShipper Shipper { get; }

    /// <summary>Resolves the processes asked for (<c>--pid</c>), or finds every Node process.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var missing = await Watcher.StartAsync(ct);
        if (missing.Count > 0)
            throw new HeapdogException(ErrorKind.ProcessUnavailable, $"no such process: {string.Join(", ", missing)} (not running, or not readable in /proc)");
    }

    /// <summary>Runs until <paramref name="ct"/> fires; throws when the server refuses the token (revoked).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var loops = new[]
        {
            WatchAsync(stop.Token),
            Shipper.RunAsync(stop.Token),
            new AgentJobRunner(_options, _jobStore, _client, _log).RunAsync(stop.Token),
            KernelOomScan.RunAsync(new DashboardStore(_watchStore.Path), stop.Token),
        };
        try
        {
            // The first loop to end (a refused token) ends the agent.
            await await Task.WhenAny(loops);
        }
        finally
        {
            await stop.CancelAsync();
            try { await Task.WhenAll(loops); }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                // Stopped by the cancellation above; the first failure has been thrown already.
            }
        }
    }

    /// <summary>The watch; once every <c>--pid</c> process has exited, the agent stays to ship the rest and run jobs.</summary>
    private async Task WatchAsync(CancellationToken ct)
    {
        await Watcher.RunAsync(ct);
        _log($"every watched process has exited, after {Watcher.Tracks.Sum(t => t.SamplesWritten)} samples; still shipping what the buffer holds");
        await Task.Delay(Timeout.Infinite, ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (_probe is not null) await _probe.DisposeAsync();
        _client.Dispose();
        _watchStore.Dispose();
        _shipStore.Dispose();
        _jobStore.Dispose();
    }
}
