using System.Buffers;

namespace Heapdog.Snapshot.Reading;

/// <summary>
/// Parses a file's <c>strings</c> section on its own thread while the number arrays before it are read: V8 writes it
/// last, so it is found from the end of the file (the bytes <c>"strings":[</c> cannot occur inside a JSON string,
/// whose quotes are escaped). The reader takes the result only when it reaches the top-level <c>strings</c> key at
/// the offset parsed from; otherwise, or when the parse failed, it parses the section itself, so what it reports is
/// what the serial reader always reported.
/// </summary>
internal sealed class StringsAhead : IDisposable
{
    private static readonly byte[] Key = "\"strings\":["u8.ToArray();
    /// <summary>Tables taken from here rather than parsed by the reader, since the process started: for tests.</summary>
    internal static long Taken;

    private readonly CancellationTokenSource _cancel;
    private readonly Task<(long Start, StringTable Table, long End)> _task;

    private StringsAhead(string path, long length, SnapshotLimits limits, MappedFile? file, CancellationToken cancellation)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = _cancel.Token;
        // A thread of its own, not one of the pool's: the parse lasts as long as the arrays' reading, and the pool's
        // threads are the ones that reading, and the host around it (a server's requests), need meanwhile.
        _task = Task.Factory.StartNew(() => Parse(path, length, limits, file, token), token, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    public static StringsAhead Start(string path, long length, SnapshotLimits limits, MappedFile? file, CancellationToken cancellation) =>
        new(path, length, limits, file, cancellation);

    /// <summary>
    /// The table parsed ahead when <paramref name="reader"/> stands before the same section's '[', the reader then
    /// moved past its ']'; null when the reader must parse the section itself.
    /// </summary>
    public StringTable? TryTake(ByteReader reader)
    {
        if (reader.PeekToken() != '[') return null;
        long offset = reader.Offset;
        try
        {
            var (start, table, end) = _task.GetAwaiter().GetResult();
            if (start != offset) return null;
            reader.Seek(end);
            Interlocked.Increment(ref Taken);
            return table;
        }
        catch (Exception ex) when (ex is SnapshotFormatException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stops the parse if it is still running (the snapshot was read or refused without it).</summary>
    public void Dispose()
    {
        _cancel.Cancel();
        _cancel.Dispose();
    }

    private static (long, StringTable, long) Parse(string path, long length, SnapshotLimits limits, MappedFile? file, CancellationToken cancellation)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        long start = FindLastKey(stream.SafeFileHandle, Math.Min(length, stream.Length), cancellation);
        if (start < 0) throw new SnapshotFormatException("no 'strings' section found from the end", length);
        var reader = new ByteReader(stream, HeapSnapshotReader.DefaultBufferSize, cancellation, null);
        reader.Seek(start);
        var table = HeapSnapshotReader.ReadStrings(reader, limits, file);
        return (start, table, reader.Offset);
    }

    /// <summary>The offset of the '[' after the last <c>"strings":</c> of the file, or -1.</summary>
    private static long FindLastKey(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length, CancellationToken cancellation)
    {
        const int BlockSize = 1 << 20;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(BlockSize + Key.Length);
        try
        {
            // Blocks from the end, each overlapping the next by the key's length so a key across two is found.
            for (long end = length; end > 0;)
            {
                cancellation.ThrowIfCancellationRequested();
                long from = Math.Max(0, end - BlockSize);
                int count = (int)(Math.Min(end + Key.Length, length) - from);
                int read = RandomAccess.Read(handle, buffer.AsSpan(0, count), from);
                int at = buffer.AsSpan(0, read).LastIndexOf(Key);
                if (at >= 0) return from + at + Key.Length - 1;
                end = from;
            }
            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
