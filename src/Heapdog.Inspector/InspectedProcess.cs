using System.Text.Json;

namespace Heapdog.Inspector;

/// <summary>
/// An open inspector session on one Node process. Disposing it ends the session and, if Heapdog turned the inspector
/// on, turns it off again so the port does not stay open to everyone on the host.
/// </summary>
public sealed class InspectedProcess : IAsyncDisposable
{
    private readonly SessionLock? _lock;
    private DeadMansSwitch? _switch;

    internal InspectedProcess(InspectorConnection connection, InspectorEndpoint endpoint, int? pid, bool openedByHeapdog, SessionLock? sessionLock)
    {
        Connection = connection;
        Endpoint = endpoint;
        Pid = pid;
        OpenedByHeapdog = openedByHeapdog;
        _lock = sessionLock;
    }

    public InspectorConnection Connection { get; }
    public InspectorEndpoint Endpoint { get; }
    /// <summary>The process's pid as it reports it (<c>process.pid</c>); inside a container it differs from the host's.</summary>
    public int? Pid { get; private set; }
    /// <summary>True when the inspector was off and Heapdog turned it on with SIGUSR1.</summary>
    public bool OpenedByHeapdog { get; }
    /// <summary>
    /// True while a <see cref="DeadMansSwitch"/> guards the inspector: Heapdog opened it, or took over the switch of a
    /// Heapdog that opened it and went away. Disposing then closes the inspector.
    /// </summary>
    public bool SwitchArmed => _switch is not null;
    /// <summary><c>process.version</c>, e.g. "v20.11.1".</summary>
    public string NodeVersion { get; private set; } = "";

    internal async Task ConfirmPidAsync(int? expected, CancellationToken cancellationToken)
    {
        var info = await Connection.EvaluateAsync("({ pid: process.pid, version: process.version })", cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        int reported = info.GetProperty("pid").GetInt32();
        NodeVersion = info.GetProperty("version").GetString() ?? "";
        if (expected is int want && reported != want)
        {
            throw new InspectorException(InspectorErrorKind.WrongProcess,
                $"the inspector at {Endpoint.Address} belongs to pid {reported}, not pid {want}");
        }
        Pid ??= reported;
    }

    /// <summary>
    /// Arms the dead man's switch when Heapdog opened the inspector; otherwise takes over a switch left armed by a
    /// Heapdog that went away. An inspector that was open without one is left as it was found.
    /// </summary>
    internal async Task GuardAsync(CancellationToken cancellationToken)
    {
        _switch = OpenedByHeapdog
            ? await DeadMansSwitch.ArmAsync(Connection, cancellationToken).ConfigureAwait(false)
            : await DeadMansSwitch.AdoptAsync(Connection, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Heap figures from <c>v8.getHeapStatistics()</c> and <c>process.memoryUsage()</c>, cheap to read, for the
    /// heap of <paramref name="heap"/>'s thread (a worker's session reads the worker's own heap).</summary>
    public static Task<JsonElement> HeapStatisticsAsync(CdpSession heap, CancellationToken cancellationToken = default) =>
        heap.EvaluateAsync(
            "(() => { const v8 = process.getBuiltinModule?.('v8') ?? require('v8'); const s = v8.getHeapStatistics(); const m = process.memoryUsage();" +
            " return { heap: s, spaces: v8.getHeapSpaceStatistics(), memory: m }; })()",
            commandLineApi: true, cancellationToken: cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_switch is not null) await _switch.DisposeAsync().ConfigureAwait(false);
            if ((OpenedByHeapdog || _switch is not null) && !Connection.IsClosed)
            {
                // inspector.close() drops every session, ours included, so its reply may never come: do not wait long.
                // If the target is too busy (or stopped) to run it in time, the switch stays armed and closes the
                // inspector once the target runs again and finds the heartbeat gone.
                try
                {
                    await Connection.EvaluateAsync(DeadMansSwitch.DisarmAndCloseExpression, commandLineApi: true,
                        timeout: TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                }
                catch (InspectorException)
                {
                }
            }
            await Connection.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _lock?.Dispose();
        }
    }
}
