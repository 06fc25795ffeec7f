using System.Collections.Concurrent;
using Heapdog.Inspector;
using Heapdog.Processes;
using Heapdog.Server.Processes;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Progress;

namespace Heapdog.Server.Actions;

/// <summary>
/// One inspector session per process, kept between the dashboard's actions. V8 numbers heap objects per session (the
/// numbering is dropped when the session ends), so two snapshots taken in two sessions cannot be compared object by
/// object: keeping the session is what lets "snapshot, act, snapshot, compare" work from two button presses. A session
/// ends when its process exits, after <see cref="IdleTimeout"/> without use (the inspector Heapdog opened is closed
/// again then), and when the server stops. Actions on one process run one at a time. With runtime figures on
/// (<c>--runtime</c>), the runtime probe already keeps a session per process for as long as it is watched: actions use
/// that one, as a process accepts one Heapdog session at a time.
/// </summary>
public sealed class InspectorSessions(InspectorRuntimeProbe? probe) : IAsyncDisposable
{
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(15);
    private readonly ConcurrentDictionary<long, Session> _sessions = new();

    private sealed class Session
    {
        public SemaphoreSlim Gate { get; } = new(1);
        public InspectedProcess? Process { get; set; }
        public DateTime LastUse { get; set; } = DateTime.UtcNow;
    }

    /// <summary>Runs <paramref name="action"/> with the process's session, attaching first if there is none (or the
    /// last one broke).</summary>
    public async Task<T> UseAsync<T>(long processId, ProcessIdentity identity, IWorkProgress progress, Func<InspectedProcess, Task<T>> action, CancellationToken ct)
    {
        int pid = identity.Pid;
        if (probe is not null)
        {
            progress.Report($"attaching to pid {pid}", -1);
            return await probe.WithSessionAsync(identity, action, ct);
        }
        var session = _sessions.GetOrAdd(processId, _ => new Session());
        progress.Report($"waiting for another action on pid {pid} to finish", -1);
        await session.Gate.WaitAsync(ct);
        try
        {
            if (session.Process is { Connection.IsClosed: true } broken)
            {
                await broken.DisposeAsync();
                session.Process = null;
            }
            if (session.Process is null)
            {
                progress.Report($"attaching to pid {pid}", -1);
                session.Process = await ProcessAttach.AttachAsync(new AttachOptions { Pid = pid }, progress, ct);
            }
            session.LastUse = DateTime.UtcNow;
            return await action(session.Process);
        }
        finally
        {
            session.LastUse = DateTime.UtcNow;
            session.Gate.Release();
        }
    }

    /// <summary>Ends the sessions of processes that exited or stayed unused for <see cref="IdleTimeout"/>.</summary>
    public async Task SweepAsync(IReadOnlyDictionary<long, LiveProcess> live)
    {
        foreach (var (id, session) in _sessions)
        {
            bool gone = !live.TryGetValue(id, out var p) || p.Exited;
            if (!gone && DateTime.UtcNow - session.LastUse < IdleTimeout) continue;
            if (!await session.Gate.WaitAsync(0)) continue;
            try
            {
                if (session.Process is { } process)
                {
                    session.Process = null;
                    await process.DisposeAsync();
                }
            }
            finally
            {
                session.Gate.Release();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
            if (session.Process is { } process)
                await process.DisposeAsync();
        _sessions.Clear();
    }
}
