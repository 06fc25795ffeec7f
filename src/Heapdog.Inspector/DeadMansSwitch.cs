namespace Heapdog.Inspector;

/// <summary>
/// Closes an inspector Heapdog opened if Heapdog goes away without closing it (killed, crashed, connection lost): a
/// timer inside the target calls <c>inspector.close()</c> once Heapdog's heartbeat has been silent for
/// <see cref="Limit"/>. Heapdog beats every <see cref="HeartbeatInterval"/> for as long as the session lasts, and on a
/// normal close removes the timer and closes the inspector in one evaluation, so the two cannot come apart.
/// </summary>
public sealed class DeadMansSwitch : IAsyncDisposable
{
    /// <summary>N: how long the heartbeat may be silent before the target closes its own inspector.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    /// <summary>Three beats per <see cref="Limit"/>, so one late or lost beat never trips the switch.</summary>
    public static readonly TimeSpan HeartbeatInterval = Limit / 3;

    /// <summary>The key of the switch's state in the target: <c>globalThis[Symbol.for(GlobalKey)]</c>.</summary>
    public const string GlobalKey = "heapdog.inspectorSwitch";

    private const string State = $"globalThis[Symbol.for('{GlobalKey}')]";

    // The timer runs in the target, so it must never throw (an exception from a timer kills the process) and never keep
    // the process alive (unref). The inspector module is taken at install time: require exists only during an
    // evaluation with the command line API, and process.getBuiltinModule (Node 20.16, 22.3) also works in ESM-only
    // programs. A tick that comes late means the main thread was busy (a snapshot) or the process was stopped: Heapdog's
    // heartbeats are then still queued behind that work, so counting starts again instead of firing on time Heapdog
    // could not use. The timer removes itself before it closes the inspector.
    private static readonly string ArmExpression = $$"""
        (() => {
          const key = Symbol.for('{{GlobalKey}}');
          if (globalThis[key]) clearInterval(globalThis[key].timer);
          const inspector = process.getBuiltinModule?.('inspector') ?? require('inspector');
          const limit = {{(long)Limit.TotalMilliseconds}}, every = 1000;
          const s = { beat: Date.now(), last: Date.now(), onTime: 0, timer: null };
          s.timer = setInterval(() => {
            try {
              const now = Date.now();
              s.onTime = now - s.last > 2 * every ? 0 : s.onTime + 1;
              s.last = now;
              if (s.onTime < 3 || now - s.beat < limit) return;
              clearInterval(s.timer);
              if (globalThis[key] === s) delete globalThis[key];
              inspector.close();
            } catch {}
          }, every);
          s.timer.unref();
          globalThis[key] = s;
          return true;
        })()
        """;

    /// <summary>Touches the switch; false when there is none (it fired, or it was never armed).</summary>
    private const string BeatExpression = $"(s => s ? (s.beat = Date.now(), true) : false)({State})";

    /// <summary>Removes the switch (if any) and closes the inspector, in one evaluation.</summary>
    internal const string DisarmAndCloseExpression = $$"""
        (() => {
          const key = Symbol.for('{{GlobalKey}}');
          if (globalThis[key]) { clearInterval(globalThis[key].timer); delete globalThis[key]; }
          (process.getBuiltinModule?.('inspector') ?? require('inspector')).close();
        })()
        """;

    private readonly CdpSession _session;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _beating;

    private DeadMansSwitch(CdpSession session)
    {
        _session = session;
        _beating = Task.Run(BeatAsync);
    }

    /// <summary>Installs the switch in the target (replacing a stale one) and starts the heartbeat.</summary>
    internal static async Task<DeadMansSwitch> ArmAsync(CdpSession session, CancellationToken cancellationToken)
    {
        await session.EvaluateAsync(ArmExpression, commandLineApi: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new DeadMansSwitch(session);
    }

    /// <summary>
    /// Takes over the switch a Heapdog that went away left armed in an inspector it had opened, or returns null when
    /// there is none. Without this, the old switch would close the inspector under this session's feet.
    /// </summary>
    internal static async Task<DeadMansSwitch?> AdoptAsync(CdpSession session, CancellationToken cancellationToken)
    {
        var found = await session.EvaluateAsync(BeatExpression, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.ValueKind == System.Text.Json.JsonValueKind.True ? new DeadMansSwitch(session) : null;
    }

    /// <summary>
    /// One beat per interval. A beat the target has not answered yet (it is busy building a snapshot, or stopped) is not
    /// followed by another: the queued one refreshes the switch as soon as the target runs again. Beats go out on the
    /// session's send path, which the snapshot's chunks (on the receive path) never hold up.
    /// </summary>
    private async Task BeatAsync()
    {
        using var timer = new PeriodicTimer(HeartbeatInterval);
        Task<bool>? pending = null;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (_session.IsClosed) return;
                if (pending is { IsCompleted: false }) continue;
                if (pending is { Result: false }) return;
                pending = BeatOnceAsync();
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>True while the switch is there to beat; false when it is gone or the session failed.</summary>
    private async Task<bool> BeatOnceAsync()
    {
        try
        {
            var alive = await _session.EvaluateAsync(BeatExpression, timeout: Timeout.InfiniteTimeSpan, cancellationToken: _stop.Token)
                .ConfigureAwait(false);
            return alive.ValueKind == System.Text.Json.JsonValueKind.True;
        }
        catch (InspectorException)
        {
            return !_session.IsClosed;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Stops the heartbeat (the switch in the target stays armed until disarmed or fired).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        await _beating.ConfigureAwait(false);
    }
}
