using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Heapdog.Monitoring;
using Heapdog.Processes;

namespace Heapdog.Inspector;

/// <summary>
/// Reads a Node process's own memory figures through its inspector (<c>watch --runtime</c>). One session per process,
/// opened on first use (with SIGUSR1 when the inspector is off) and reused for every read; each read is one
/// <c>Runtime.evaluate</c> (<see cref="ReadExpression"/>). A read never takes longer than the read timeout: a session
/// still opening or a target that does not answer gives "no figures" for that sample, and the process is tried again
/// after a back-off that doubles up to a minute. Failures that retrying cannot fix (not Node, not permitted, SIGUSR1
/// ignored) end the attempts for that process, so it is not signalled again. <see cref="Forget"/> and disposal remove
/// the GC counter from the target, end the session, and close the inspector again if Heapdog opened it.
/// </summary>
public sealed class InspectorRuntimeProbe : IRuntimeProbe
{
    public static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan FirstRetry = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LastRetry = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The figures as one array. The first evaluation in a process also installs a GC counter: a
    /// <c>PerformanceObserver</c> on <c>gc</c> entries that adds up their number and duration. It is kept under a
    /// registered symbol on <c>globalThis</c> (invisible to <c>Object.keys</c> and JSON), so reconnecting reuses it
    /// instead of adding a second one; it does not keep the event loop alive, and <see cref="RemoveExpression"/> takes
    /// it out again. GC counts are those seen since it was installed. Modules come from
    /// <c>process.getBuiltinModule</c> (Node 20.16+, 22.3+), else from the inspector's command-line <c>require</c>,
    /// which works in CommonJS and ES-module programs alike.
    /// </summary>
    internal const string ReadExpression = """
        (() => {
          const key = Symbol.for('heapdog.runtime');
          let h = globalThis[key];
          if (h === undefined) {
            const load = name => typeof process.getBuiltinModule === 'function' ? process.getBuiltinModule(name) : require(name);
            h = { v8: load('v8'), gcCount: 0, gcMs: 0, observer: null };
            try {
              h.observer = new (load('perf_hooks').PerformanceObserver)(list => {
                for (const e of list.getEntries()) { h.gcCount++; h.gcMs += e.duration; }
              });
              h.observer.observe({ entryTypes: ['gc'] });
            } catch { h.gcCount = -1; h.gcMs = -1; }
            Object.defineProperty(globalThis, key, { value: h, configurable: true });
          }
          const m = process.memoryUsage(), s = h.v8.getHeapStatistics();
          return [m.heapUsed, m.heapTotal, m.external, m.arrayBuffers, s.heap_size_limit,
            s.number_of_native_contexts, s.number_of_detached_contexts, h.gcCount, Math.round(h.gcMs)];
        })()
        """;

    internal const string RemoveExpression = """
        (() => {
          const key = Symbol.for('heapdog.runtime'), h = globalThis[key];
          if (h !== undefined) { h.observer?.disconnect(); delete globalThis[key]; }
          return true;
        })()
        """;

    private readonly ConcurrentDictionary<ProcessIdentity, Target> _targets = new();
    private readonly TimeSpan _readTimeout;
    private readonly TimeSpan _activationTimeout;
    private readonly Action<string>? _log;
    private volatile bool _disposed;

    /// <param name="readTimeout">Longest a read may take, opening included (default 2 s).</param>
    /// <param name="log">Told once per process when its figures become unavailable, and why (one line).</param>
    public InspectorRuntimeProbe(TimeSpan? readTimeout = null, Action<string>? log = null, TimeSpan? activationTimeout = null)
    {
        _readTimeout = readTimeout ?? DefaultReadTimeout;
        _activationTimeout = activationTimeout ?? TimeSpan.FromSeconds(5);
        _log = log;
    }

    private sealed class Target
    {
        public readonly SemaphoreSlim Gate = new(1, 1);
        public readonly CancellationTokenSource Stop = new();
        public Task<InspectedProcess>? Opening;
        public InspectedProcess? Session;
        /// <summary>Heapdog turned this process's inspector on at some point: it must be off again when we leave.</summary>
        public bool OpenedByHeapdog;
        public int Failures;
        public long RetryAtMs;
        public bool GaveUp;
    }

    public async Task<RuntimeFigures?> ReadAsync(ProcessIdentity process, CancellationToken ct)
    {
        if (_disposed) return null;
        var target = _targets.GetOrAdd(process, _ => new Target());
        // Busy (a snapshot is using the session): this sample goes without runtime figures rather than wait.
        if (!target.Gate.Wait(0)) return null;
        try
        {
            if (target.GaveUp || Environment.TickCount64 < target.RetryAtMs) return null;
            var clock = Stopwatch.StartNew();
            var session = await SessionAsync(process, target, _readTimeout, ct).ConfigureAwait(false);
            if (session is null) return null;
            var left = _readTimeout - clock.Elapsed;
            if (left <= TimeSpan.Zero) return null;
            var value = await session.Connection.EvaluateAsync(ReadExpression, commandLineApi: true, timeout: left, cancellationToken: ct)
                .ConfigureAwait(false);
            var figures = Parse(value)
                ?? throw new InspectorException(InspectorErrorKind.Protocol, $"pid {process.Pid} answered the runtime read with {value.ValueKind}");
            target.Failures = 0;
            return figures;
        }
        catch (InspectorException ex)
        {
            await FailedAsync(process, target, ex).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Unforeseen (a socket error surfacing in another form): the watch goes on, this process is retried later.
            await FailedAsync(process, target, new InspectorException(InspectorErrorKind.Disconnected,
                $"the runtime read of pid {process.Pid} failed: {ex.Message}", ex)).ConfigureAwait(false);
            return null;
        }
        finally
        {
            target.Gate.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="use"/> with this probe's session of <paramref name="process"/> (opened if needed), so a
    /// snapshot taken during a watch shares the session instead of being refused by the one-session-per-process lock.
    /// Reads skip the process meanwhile.
    /// </summary>
    public async Task<T> WithSessionAsync<T>(ProcessIdentity process, Func<InspectedProcess, Task<T>> use, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var target = _targets.GetOrAdd(process, _ => new Target());
        await target.Gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var session = await SessionAsync(process, target, Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
            return await use(session!).ConfigureAwait(false);
        }
        finally
        {
            target.Gate.Release();
        }
    }

    public async ValueTask Forget(ProcessIdentity process)
    {
        if (!_targets.TryRemove(process, out var target)) return;
        await CloseAsync(target).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        var closing = new List<Task>();
        foreach (var identity in _targets.Keys) closing.Add(Forget(identity).AsTask());
        await Task.WhenAll(closing).ConfigureAwait(false);
    }

    /// <summary>The open session, or null when it is still opening after <paramref name="wait"/> (it goes on in the
    /// background). Throws when opening failed.</summary>
    private async Task<InspectedProcess?> SessionAsync(ProcessIdentity process, Target target, TimeSpan wait, CancellationToken ct)
    {
        if (target.Session is { Connection.IsClosed: true } lost)
        {
            target.Session = null;
            await lost.DisposeAsync().ConfigureAwait(false);
        }
        if (target.Session is not null) return target.Session;
        target.Opening ??= Task.Run(() => OpenAsync(process, target.Stop.Token));
        try
        {
            target.Session = await target.Opening.WaitAsync(wait, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            target.Opening = null;
            throw ex switch
            {
                InspectorException => ex,
                OperationCanceledException => new InspectorException(InspectorErrorKind.ProcessGone, $"pid {process.Pid} is no longer watched"),
                // Whatever else goes wrong while opening (a /proc read racing the process's exit, say) is retried.
                _ => new InspectorException(InspectorErrorKind.NoEndpoint, $"cannot open the inspector of pid {process.Pid}: {ex.Message}", ex),
            };
        }
        target.Opening = null;
        target.OpenedByHeapdog |= target.Session.OpenedByHeapdog;
        return target.Session;
    }

    private async Task<InspectedProcess> OpenAsync(ProcessIdentity process, CancellationToken ct)
    {
        // SIGUSR1 goes only to the process we were asked about, never to a later one that reused its pid.
        if (ProcessReader.TryReadStat(process.Pid) is not { } stat || stat.StartTicks != process.StartTicks)
            throw new InspectorException(InspectorErrorKind.ProcessGone, $"pid {process.Pid} exited");
        return await NodeInspector.AttachAsync(new AttachOptions { Pid = process.Pid, ActivationTimeout = _activationTimeout }, ct)
            .ConfigureAwait(false);
    }

    private async Task FailedAsync(ProcessIdentity process, Target target, InspectorException ex)
    {
        // A process that exited is reported by the watcher; a line about its lost session would only be noise.
        bool gone = ex.Kind == InspectorErrorKind.ProcessGone
            || ProcessReader.TryReadStat(process.Pid) is not { State: not ('Z' or 'X') } stat || stat.StartTicks != process.StartTicks;
        bool final = gone || ex.Kind is InspectorErrorKind.NotNode or InspectorErrorKind.PermissionDenied
            or InspectorErrorKind.ActivationTimedOut or InspectorErrorKind.WrongProcess or InspectorErrorKind.NotLoopback;
        if (target.Session is { Connection.IsClosed: true } lost)
        {
            target.Session = null;
            await lost.DisposeAsync().ConfigureAwait(false);
        }
        if (final)
        {
            target.GaveUp = true;
            if (!gone) _log?.Invoke($"pid {process.Pid}: no runtime figures: {ex.Message}");
            return;
        }
        if (target.Failures == 0)
        {
            string hint = ex.Kind == InspectorErrorKind.PortHeld ? " (each process needs its own inspector port: start it with --inspect-port=0)" : "";
            _log?.Invoke($"pid {process.Pid}: runtime figures unavailable for now: {ex.Message}{hint}; trying again later");
        }
        double backoff = Math.Min(LastRetry.TotalMilliseconds, FirstRetry.TotalMilliseconds * Math.Pow(2, Math.Min(target.Failures, 10)));
        target.Failures++;
        target.RetryAtMs = Environment.TickCount64 + (long)backoff;
    }

    private async Task CloseAsync(Target target)
    {
        target.Stop.Cancel();
        await target.Gate.WaitAsync().ConfigureAwait(false);
        try
        {
            var session = target.Session;
            target.Session = null;
            if (session is null && target.Opening is { } opening)
            {
                try { session = await opening.ConfigureAwait(false); }
                catch (Exception ex) when (ex is InspectorException or OperationCanceledException) { }
                target.OpenedByHeapdog |= session?.OpenedByHeapdog == true;
            }
            target.Opening = null;
            if (session is null) return;
            if (!session.Connection.IsClosed)
            {
                try
                {
                    await session.Connection.EvaluateAsync(RemoveExpression, timeout: CloseTimeout).ConfigureAwait(false);
                    // This session found the inspector open, but an earlier one of ours had opened it.
                    if (target.OpenedByHeapdog && !session.OpenedByHeapdog)
                        await session.Connection.EvaluateAsync("require('inspector').close()", commandLineApi: true, timeout: CloseTimeout)
                            .ConfigureAwait(false);
                }
                catch (InspectorException)
                {
                    // Exited, hung or closed meanwhile: nothing more to undo through this session.
                }
            }
            await session.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            target.Gate.Release();
        }
    }

    private static RuntimeFigures? Parse(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() != 9) return null;
        Span<long> f = stackalloc long[9];
        int i = 0;
        foreach (var item in value.EnumerateArray())
            f[i++] = item.ValueKind == JsonValueKind.Number && item.TryGetDouble(out double d) && d >= 0 ? (long)d : -1;
        return new RuntimeFigures(f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]);
    }
}
