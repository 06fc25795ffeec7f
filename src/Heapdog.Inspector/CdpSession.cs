using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Heapdog.Inspector;

/// <summary>
/// One Chrome DevTools Protocol session: numbered requests matched to replies, and events delivered to handlers.
/// Subclasses carry the bytes (a WebSocket for the main thread, <c>NodeWorker</c> messages for a worker thread).
/// </summary>
public abstract class CdpSession : IAsyncDisposable
{
    /// <summary>Default time limit for a command; long operations pass their own.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<int, Pending> _pending = new();
    private readonly Lock _handlersGate = new();
    private readonly Dictionary<string, List<Func<JsonElement, ValueTask>>> _handlers = new(StringComparer.Ordinal);
    private int _nextId;
    private volatile Exception? _failure;

    /// <summary>Who is at the other end, for error messages ("pid 1234", "worker 1 of pid 1234").</summary>
    public abstract string TargetName { get; }

    /// <summary>Sends <paramref name="method"/> and returns its <c>result</c> (detached from any buffer).</summary>
    public async Task<JsonElement> SendAsync(string method, JsonObject? parameters = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        if (_failure is { } failed) throw Rethrow(failed, method);
        int id = Interlocked.Increment(ref _nextId);
        var pending = new Pending(method);
        _pending[id] = pending;
        try
        {
            var message = new ArrayBufferWriter<byte>(256);
            using (var writer = new Utf8JsonWriter(message))
            {
                writer.WriteStartObject();
                writer.WriteNumber("id", id);
                writer.WriteString("method", method);
                writer.WritePropertyName("params");
                if (parameters is null) { writer.WriteStartObject(); writer.WriteEndObject(); }
                else parameters.WriteTo(writer);
                writer.WriteEndObject();
            }
            await SendTextAsync(message.WrittenMemory, cancellationToken).ConfigureAwait(false);

            var limit = timeout ?? DefaultTimeout;
            using var timer = limit == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(limit);
            using var linked = timer is null
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken)
                : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                return await pending.Reply.Task.WaitAsync(linked.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (timer?.IsCancellationRequested == true && !cancellationToken.IsCancellationRequested)
            {
                throw new InspectorException(InspectorErrorKind.Timeout,
                    $"{TargetName} did not answer {method} within {limit.TotalSeconds:0} s");
            }
        }
        catch (Exception ex) when (ex is not InspectorException and not OperationCanceledException && _failure is { } lost)
        {
            throw Rethrow(lost, method);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>
    /// Calls <paramref name="handler"/> for each <paramref name="method"/> event, in arrival order. The element is only
    /// valid during the call; the next message is not read until the returned task completes, which is how a slow
    /// consumer bounds Heapdog's memory (the bytes wait in the socket instead).
    /// </summary>
    public IDisposable On(string method, Func<JsonElement, ValueTask> handler)
    {
        lock (_handlersGate)
        {
            if (!_handlers.TryGetValue(method, out var list)) _handlers[method] = list = [];
            list.Add(handler);
        }
        return new Unsubscriber(this, method, handler);
    }

    /// <summary>The <paramref name="method"/> events from now on, as an async stream (each element cloned).</summary>
    public async IAsyncEnumerable<JsonElement> Events(string method, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateUnbounded<JsonElement>(new UnboundedChannelOptions { SingleReader = true });
        using var subscription = On(method, e => { channel.Writer.TryWrite(e.Clone()); return ValueTask.CompletedTask; });
        using var closed = Closed.Register(() => channel.Writer.TryComplete());
        while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            while (channel.Reader.TryRead(out var item))
                yield return item;
    }

    /// <summary>Evaluates <paramref name="expression"/> and returns its value (<c>returnByValue</c>).</summary>
    /// <param name="commandLineApi">Makes <c>require</c> available for the duration of this evaluation.</param>
    public async Task<JsonElement> EvaluateAsync(string expression, bool commandLineApi = false, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default)
    {
        var result = await SendAsync("Runtime.evaluate", new JsonObject
        {
            ["expression"] = expression,
            ["returnByValue"] = true,
            ["includeCommandLineAPI"] = commandLineApi,
            ["awaitPromise"] = false,
            ["silent"] = true,
        }, timeout, cancellationToken).ConfigureAwait(false);
        if (result.TryGetProperty("exceptionDetails", out var details))
        {
            string text = details.TryGetProperty("exception", out var ex) && ex.TryGetProperty("description", out var d)
                ? d.GetString() ?? "" : details.GetProperty("text").GetString() ?? "";
            int newline = text.IndexOf('\n');
            throw new InspectorException(InspectorErrorKind.Protocol,
                $"{TargetName} threw while evaluating Heapdog's probe: {(newline < 0 ? text : text[..newline])}");
        }
        var remote = result.GetProperty("result");
        return remote.TryGetProperty("value", out var value) ? value : default;
    }

    /// <summary>Signalled when the session can no longer be used.</summary>
    protected CancellationToken Closed => _closed.Token;
    private readonly CancellationTokenSource _closed = new();

    public bool IsClosed => _closed.IsCancellationRequested;

    public abstract ValueTask DisposeAsync();

    protected abstract ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken);

    /// <summary>Routes one complete message. The bytes may be reused once the returned task completes.</summary>
    protected internal async ValueTask DispatchAsync(ReadOnlyMemory<byte> message)
    {
        using var document = JsonDocument.Parse(message);
        var root = document.RootElement;
        if (root.TryGetProperty("id", out var idElement))
        {
            if (!_pending.TryGetValue(idElement.GetInt32(), out var pending)) return;
            if (root.TryGetProperty("error", out var error))
            {
                string text = error.TryGetProperty("message", out var m) ? m.GetString() ?? "" : error.GetRawText();
                pending.Reply.TrySetException(new InspectorException(InspectorErrorKind.Protocol,
                    $"{TargetName} rejected {pending.Method}: {text}"));
            }
            else
            {
                pending.Reply.TrySetResult(root.TryGetProperty("result", out var result) ? result.Clone() : default);
            }
            return;
        }
        if (!root.TryGetProperty("method", out var methodElement)) return;
        string method = methodElement.GetString() ?? "";
        Func<JsonElement, ValueTask>[] handlers;
        lock (_handlersGate)
        {
            if (!_handlers.TryGetValue(method, out var list) || list.Count == 0) return;
            handlers = [.. list];
        }
        var parameters = root.TryGetProperty("params", out var p) ? p : default;
        foreach (var handler in handlers)
            await handler(parameters).ConfigureAwait(false);
    }

    /// <summary>Fails every waiting request with <paramref name="reason"/>; later sends fail the same way.</summary>
    protected void Fail(Exception reason)
    {
        _failure ??= reason;
        foreach (var entry in _pending)
            entry.Value.Reply.TrySetException(Rethrow(reason, entry.Value.Method));
        _closed.Cancel();
    }

    private static Exception Rethrow(Exception failure, string method) =>
        failure is InspectorException ie
            ? new InspectorException(ie.Kind, $"{ie.Message} (while waiting for {method})", ie.InnerException)
            : failure;

    private sealed class Pending(string method)
    {
        public string Method { get; } = method;
        public TaskCompletionSource<JsonElement> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Unsubscriber(CdpSession session, string method, Func<JsonElement, ValueTask> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (session._handlersGate)
                if (session._handlers.TryGetValue(method, out var list)) list.Remove(handler);
        }
    }
}
