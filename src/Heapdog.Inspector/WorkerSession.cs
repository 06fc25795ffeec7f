namespace Heapdog.Inspector;

/// <summary>A worker thread's session, tunnelled through the main connection with <c>NodeWorker.sendMessageToWorker</c>.</summary>
public sealed class WorkerSession : CdpSession
{
    private readonly InspectorConnection _parent;

    internal WorkerSession(InspectorConnection parent, string sessionId, string workerId, string title, string url)
    {
        _parent = parent;
        SessionId = sessionId;
        WorkerId = workerId;
        Title = title;
        Url = url;
    }

    public string SessionId { get; }
    public string WorkerId { get; }
    public string Title { get; }
    /// <summary>The worker's script (a file URL), as Node reports it.</summary>
    public string Url { get; }

    public override string TargetName => $"worker {WorkerId} of {_parent.TargetName}";

    protected override ValueTask SendTextAsync(ReadOnlyMemory<byte> utf8, CancellationToken cancellationToken) =>
        _parent.SendToWorkerAsync(SessionId, utf8, cancellationToken);

    internal void Detach() =>
        Fail(new InspectorException(InspectorErrorKind.Disconnected, $"{TargetName} has exited"));

    public override ValueTask DisposeAsync()
    {
        Detach();
        return ValueTask.CompletedTask;
    }
}
