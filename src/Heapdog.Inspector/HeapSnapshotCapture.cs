using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;

namespace Heapdog.Inspector;

/// <summary>
/// Takes a heap snapshot through the inspector and streams it to disk. The file appears under its final name only when
/// the target has finished, the text is one complete JSON object and the header's counts match the arrays; until then it
/// is a hidden <c>.partial</c> file in the same directory, removed on any failure.
/// </summary>
public static class HeapSnapshotCapture
{
    // CDP has no flow control: chunks (~100 kB of text each) come as fast as V8 writes them. A bounded queue keeps
    // Heapdog's memory flat; when the disk lags, the socket stops being read and the rest waits in the kernel buffers.
    // Each queued chunk is a pooled array on the large object heap that the pool keeps afterwards, so the queue is short:
    // it only has to cover a write's latency (writes go to the page cache), and 32 cost a long-running agent 4 MB.
    private const int QueuedChunks = 4;

    /// <summary>
    /// T: how long the snapshot stream may go without a progress event, a chunk or a write before the capture is given
    /// up (the target is stopped or hung). The longest silent stretch of a healthy capture is V8's own garbage
    /// collection before it starts reporting progress: seconds, even for heaps of gigabytes.
    /// </summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(60);

    /// <param name="stallTimeout">Overrides <see cref="DefaultStallTimeout"/>.</param>
    /// <param name="stopTrackingAllocations">Take the snapshot by stopping allocation tracking
    /// (<see cref="StartTrackingAllocationsAsync"/>): V8 answers <c>stopTrackingHeapObjects</c> with a snapshot that still
    /// carries the allocation stacks, so the last snapshot of a tracked series and the stop are one pause, not two.</param>
    public static async Task<SnapshotCaptureResult> CaptureAsync(CdpSession session, string path, bool collectGarbage, bool overwrite,
        IProgress<SnapshotProgress>? progress = null, CancellationToken cancellationToken = default, TimeSpan? stallTimeout = null,
        bool stopTrackingAllocations = false)
    {
        var clock = Stopwatch.StartNew();
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        string partial = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.partial");
        var stallLimit = stallTimeout ?? DefaultStallTimeout;

        await session.SendAsync("HeapProfiler.enable", cancellationToken: cancellationToken).ConfigureAwait(false);
        if (collectGarbage)
        {
            progress?.Report(new SnapshotProgress(SnapshotPhase.CollectingGarbage, 0, 0));
            await session.SendAsync("HeapProfiler.collectGarbage", timeout: TimeSpan.FromMinutes(5), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }

        var chunks = Channel.CreateBounded<Chunk>(new BoundedChannelOptions(QueuedChunks) { SingleReader = true, SingleWriter = true });
        using var check = new HeapSnapshotStreamCheck();
        // A snapshot holds every string of the process (tokens, passwords): readable by its owner only, as Node does.
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None, BufferSize = 0 };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var file = new FileStream(partial, fileOptions);
        bool kept = false;
        var activity = new Activity();
        var writer = Task.Run(() => WriteChunksAsync(chunks.Reader, file, check, activity, progress));
        using var stalled = new CancellationTokenSource();
        using var stalledOrCancelled = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stalled.Token);
        using var watching = new CancellationTokenSource();
        var watchdog = WatchForStallAsync(activity, stallLimit, stalled, watching.Token);
        try
        {
            using var onProgress = session.On("HeapProfiler.reportHeapSnapshotProgress", p =>
            {
                activity.Touch();
                progress?.Report(new SnapshotProgress(SnapshotPhase.Building, p.GetProperty("done").GetInt64(), p.GetProperty("total").GetInt64()));
                return ValueTask.CompletedTask;
            });
            using var onChunk = session.On("HeapProfiler.addHeapSnapshotChunk", async p =>
            {
                activity.Touch();
                var chunk = Chunk.Unescape(p.GetProperty("chunk"));
                try { await chunks.Writer.WriteAsync(chunk, stalledOrCancelled.Token).ConfigureAwait(false); }
                catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
                {
                    // Cancelled or finished: drop the chunk but keep the session alive, so the inspector can still be closed.
                    chunk.Return();
                }
            });

            try
            {
                await session.SendAsync(stopTrackingAllocations ? "HeapProfiler.stopTrackingHeapObjects" : "HeapProfiler.takeHeapSnapshot", new JsonObject
                {
                    ["reportProgress"] = true,
                    ["captureNumericValue"] = false,
                }, Timeout.InfiniteTimeSpan, stalledOrCancelled.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stalled.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                throw new InspectorException(InspectorErrorKind.Timeout,
                    $"{session.TargetName} sent no snapshot data for {stallLimit.TotalSeconds:0} s (stopped or hung?); gave up, no snapshot was written");
            }
            catch (InspectorException ex) when (ex.Kind == InspectorErrorKind.Disconnected)
            {
                throw new InspectorException(InspectorErrorKind.ProcessGone,
                    $"{ex.Message.Split(" (while", 2)[0]} during the snapshot; no snapshot was written", ex);
            }
            chunks.Writer.TryComplete();
            if (await writer.ConfigureAwait(false) is { } writeFailure)
                throw new IOException($"cannot write {partial}: {writeFailure.Message}", writeFailure);

            string? problem = check.Complete();
            if (problem is not null)
                throw new InspectorException(InspectorErrorKind.BadSnapshot, $"the snapshot {session.TargetName} sent is not usable: {problem}; no snapshot was written");

            await file.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            file.Flush(flushToDisk: true);
            await file.DisposeAsync().ConfigureAwait(false);
            File.Move(partial, fullPath, overwrite);
            kept = true;
            return new SnapshotCaptureResult(fullPath, check.Length, check.NodeCount, check.EdgeCount, clock.Elapsed);
        }
        finally
        {
            watching.Cancel();
            await watchdog.ConfigureAwait(false);
            chunks.Writer.TryComplete();
            await writer.ConfigureAwait(false);
            await file.DisposeAsync().ConfigureAwait(false);
            if (!kept) File.Delete(partial);
        }
    }

    /// <summary>
    /// Starts V8's allocation tracker: from now on each new object remembers its allocation stack, and snapshots carry
    /// <c>trace_function_infos</c>, <c>trace_tree</c> and each node's <c>trace_node_id</c>. It costs the target CPU
    /// and memory on every allocation until stopped, by the last snapshot (<c>stopTrackingAllocations</c>), by
    /// <see cref="StopTrackingAllocationsAsync"/>, or by the end of the session.
    /// </summary>
    public static async Task StartTrackingAllocationsAsync(CdpSession session, CancellationToken cancellationToken = default)
    {
        await session.SendAsync("HeapProfiler.enable", cancellationToken: cancellationToken).ConfigureAwait(false);
        await session.SendAsync("HeapProfiler.startTrackingHeapObjects", new JsonObject { ["trackAllocations"] = true },
            cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops allocation tracking without a snapshot, for when a tracked series ends early: <c>stopTrackingHeapObjects</c>
    /// would stream a whole snapshot, <c>HeapProfiler.disable</c> only stops (and forgets the session's object ids,
    /// which a series that failed no longer needs). Best effort: a closed session has stopped tracking already.
    /// </summary>
    public static async Task StopTrackingAllocationsAsync(CdpSession session)
    {
        if (session.IsClosed) return;
        try { await session.SendAsync("HeapProfiler.disable", timeout: TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
        catch (InspectorException) { }
    }

    /// <summary>Cancels <paramref name="stalled"/> once <paramref name="activity"/> has been idle longer than <paramref name="limit"/>.</summary>
    private static async Task WatchForStallAsync(Activity activity, TimeSpan limit, CancellationTokenSource stalled, CancellationToken done)
    {
        var every = TimeSpan.FromMilliseconds(Math.Clamp(limit.TotalMilliseconds / 10, 50, 1000));
        try
        {
            while (activity.Idle < limit) await Task.Delay(every, done).ConfigureAwait(false);
            stalled.Cancel();
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
    }

    /// <summary>When the snapshot stream last moved: an event from the target or a write to disk.</summary>
    private sealed class Activity
    {
        private long _last = Environment.TickCount64;
        public void Touch() => Volatile.Write(ref _last, Environment.TickCount64);
        public TimeSpan Idle => TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _last));
    }

    /// <summary>Drains the queue to disk and through the check; returns the failure instead of throwing it.</summary>
    private static async Task<Exception?> WriteChunksAsync(ChannelReader<Chunk> chunks, FileStream file, HeapSnapshotStreamCheck check,
        Activity activity, IProgress<SnapshotProgress>? progress)
    {
        long written = 0;
        Exception? failure = null;
        while (await chunks.WaitToReadAsync().ConfigureAwait(false))
        {
            while (chunks.TryRead(out var chunk))
            {
                try
                {
                    // After a failure the rest is only drained, so the session's reader never blocks on a full queue.
                    if (failure is not null) continue;
                    await file.WriteAsync(chunk.Bytes.AsMemory(0, chunk.Length)).ConfigureAwait(false);
                    check.Append(chunk.Bytes.AsSpan(0, chunk.Length));
                    written += chunk.Length;
                    activity.Touch();
                    progress?.Report(new SnapshotProgress(SnapshotPhase.Writing, written, 0));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    failure = ex;
                }
                finally
                {
                    chunk.Return();
                }
            }
        }
        return failure;
    }

    /// <summary>
    /// One chunk's text as UTF-8 in a pooled buffer: unescaped straight from the message bytes, so a chunk never
    /// becomes a .NET string (each would be a ~200 kB large-object allocation, freed only by full collections).
    /// </summary>
    private readonly record struct Chunk(byte[] Bytes, int Length)
    {
        public static Chunk Unescape(JsonElement value)
        {
            var raw = JsonMarshal.GetRawUtf8Value(value);
            var reader = new Utf8JsonReader(raw);
            reader.Read();
            byte[] bytes = ArrayPool<byte>.Shared.Rent(Math.Max(1, raw.Length));
            int length = reader.CopyString(bytes);
            return new Chunk(bytes, length);
        }

        public void Return() => ArrayPool<byte>.Shared.Return(Bytes);
    }
}
