using System.Buffers;
using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Heapdog.Inspector;

/// <summary>
/// The main-thread session over the inspector's WebSocket. Also carries the sessions of worker threads
/// (<c>NodeWorker</c> domain), which Node 20 does not list in <c>/json/list</c>.
/// </summary>
public sealed class InspectorConnection : CdpSession
{
    private const int InitialBuffer = 64 * 1024;
    // A message larger than this (a big sampling profile, say) gets a buffer of its own that is dropped afterwards,
    // so one large reply does not pin memory for the rest of the session.
    private const int KeepBufferUpTo = 4 * 1024 * 1024;

    private readonly ClientWebSocket _socket;
    private readonly SemaphoreSlim _sendGate = new(1, 1);
    private readonly ConcurrentDictionary<string, WorkerSession> _workers = new(StringComparer.Ordinal);
    private readonly Func<string> _describeLoss;
    private readonly Task _receiveLoop;
    private readonly CancellationTokenSource _stop = new();
    private readonly string _targetName;
    private int _disposed;
    private int _workersEnabled;

    private InspectorConnection(ClientWebSocket socket, string targetName, Func<string> describeLoss)
    {
        _socket = socket;
        _targetName = targetName;
        _describeLoss = describeLoss;
        On("NodeWorker.receivedMessageFromWorker", OnWorkerMessageAsync);
        On("NodeWorker.detachedFromWorker", p =>
        {
            if (_workers.TryRemove(p.GetProperty("sessionId").GetString() ?? "", out var worker)) worker.Detach();
            return ValueTask.CompletedTask;
        });
        _receiveLoop = Task.Run(ReceiveLoopAsync);
    }

    public override string TargetName => _targetName;

    /// <summary>The WebSocket URL this connection was opened on.</summary>
    public required Uri Url { get; init; }

    /// <param name="describeLoss">Explains a dropped connection (e.g. "pid 12 exited"), checked when it happens.</param>
    /// <param name="network">The target's network namespace when it is not ours: the connection is made inside it.</param>
    public static async Task<InspectorConnection> ConnectAsync(Uri webSocketUrl, string targetName, Func<string>? describeLoss = null,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default, TargetNetwork? network = null)
    {
        var socket = new ClientWebSocket();
        // Node's inspector drops the connection on a ping or pong frame, and .NET sends keep-alive pongs by default.
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        using var timer = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            if (network is null) await socket.ConnectAsync(webSocketUrl, linked.Token).ConfigureAwait(false);
            else await network.ConnectAsync(socket, webSocketUrl, linked.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (TargetNetwork.RefusalIn(ex) is { } refusal)
        {
            socket.Dispose();
            throw refusal;
        }
        catch (Exception ex) when (ex is WebSocketException or HttpRequestException
                                       || (ex is OperationCanceledException && timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested))
        {
            socket.Dispose();
            throw new InspectorException(InspectorErrorKind.NoEndpoint, $"cannot open the inspector session of {targetName} at {webSocketUrl}: {ex.Message}", ex);
        }
        return new InspectorConnection(socket, targetName, describeLoss ?? (() => $"the inspector connection to {targetName} closed"))
        {
            Url = webSocketUrl,
        };
    }

    /// <summary>
    /// Turns on worker reporting; <paramref name="onAttached"/> gets a session for every worker thread, current and future.
    /// </summary>
    public async Task EnableWorkersAsync(Func<WorkerSession, ValueTask> onAttached, CancellationToken cancellationToken = default)
    {
        On("NodeWorker.attachedToWorker", async p =>
        {
            string sessionId = p.GetProperty("sessionId").GetString() ?? "";
            var info = p.GetProperty("workerInfo");
            var worker = new WorkerSession(this, sessionId, info.GetProperty("workerId").GetString() ?? "",
                info.TryGetProperty("title", out var t) ? t.GetString() ?? "" : "",
                info.TryGetProperty("url", out var u) ? u.GetString() ?? "" : "");
            _workers[sessionId] = worker;
            await onAttached(worker).ConfigureAwait(false);
        });
        await SendAsync("NodeWorker.enable", new JsonObject { ["waitForDebuggerOnStart"] = false }, cancellationToken: cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// The worker threads running now, each with its session, ordered by id. Node reports the workers that exist in
    /// <c>attachedToWorker</c> events sent before its reply to <c>NodeWorker.enable</c>, so the list is complete when
    /// the reply arrives. The sessions end with this connection.
    /// </summary>
    public async Task<IReadOnlyList<WorkerSession>> ListWorkersAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _workersEnabled, 1) == 0)
            await EnableWorkersAsync(_ => ValueTask.CompletedTask, cancellationToken).ConfigureAwait(false);
        return [.. _workers.Values
            .OrderBy(w => long.TryParse(w.WorkerId, out long n) ? n : long.MaxValue)
            .ThenBy(w => w.WorkerId, StringComparer.Ordinal)];
    }

    internal async ValueTask SendToWorkerAsync(string sessionId, ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        await SendAsync("NodeWorker.sendMessageToWorker", new JsonObject
        {
            ["sessionId"] = sessionId,
            ["message"] = Encoding.UTF8.GetString(utf8.Span),
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    protected override async ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken)
    {
        await _sendGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(utf8, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or IOException
                                       // A send on a connection the peer dropped is reported as cancelled.
                                       || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new InspectorException(InspectorErrorKind.Disconnected, _describeLoss(), ex);
        }
        finally
        {
            _sendGate.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        Exception reason;
        try
        {
            while (true)
            {
                int length = 0;
                ValueWebSocketReceiveResult received;
                do
                {
                    if (length == buffer.Length)
                    {
                        byte[] larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    received = await _socket.ReceiveAsync(buffer.AsMemory(length), _stop.Token).ConfigureAwait(false);
                    length += received.Count;
                } while (!received.EndOfMessage && received.MessageType != WebSocketMessageType.Close);

                if (received.MessageType == WebSocketMessageType.Close)
                {
                    reason = new InspectorException(InspectorErrorKind.Disconnected, _describeLoss());
                    break;
                }
                await DispatchAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
                if (buffer.Length > KeepBufferUpTo)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            reason = new InspectorException(InspectorErrorKind.Disconnected, $"the inspector session of {TargetName} was closed by Heapdog");
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            reason = new InspectorException(InspectorErrorKind.Disconnected, _describeLoss(), ex);
        }
        catch (Exception ex)
        {
            // A handler failed (disk full while writing a snapshot, say): the session cannot go on in a known state.
            reason = ex;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        foreach (var worker in _workers.Values) worker.Detach();
        Fail(reason);
    }

    private async ValueTask OnWorkerMessageAsync(JsonElement p)
    {
        if (!_workers.TryGetValue(p.GetProperty("sessionId").GetString() ?? "", out var worker)) return;
        string text = p.GetProperty("message").GetString() ?? "";
        byte[] bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            int n = Encoding.UTF8.GetBytes(text, bytes);
            await worker.DispatchAsync(bytes.AsMemory(0, n)).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timer = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timer.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // The process may be gone already; nothing left to tell it.
            }
        }
        _stop.Cancel();
        try { await _receiveLoop.ConfigureAwait(false); }
        catch (OperationCanceledException) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
