using System.Buffers;
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace Heapdog.Snapshot.Reading;

/// <summary>
/// Reads the <c>nodes</c> or <c>edges</c> array of a snapshot file on every core, straight into the final arrays:
/// <list type="number">
/// <item>the array is cut into blocks of <see cref="BlockSize"/> bytes; each core reads blocks (<c>pread</c>, no map)
/// and counts their commas until the block holding the closing <c>]</c>, and notes each block's seam, the byte after
/// the first comma at or after the block's start;</item>
/// <item>the counts, summed in order, give each slice between two seams the index of its first element; each core
/// then tokenises whole slices and stores them through a sink started at that element (<see cref="IRangeSink"/>);</item>
/// <item>for nodes, each slice's <c>FirstEdge</c> entries get the edge counts of the slices before it added.</item>
/// </list>
/// Anything irregular (an error, a count that disagrees with the header, a seam that is not within a few bytes)
/// gives up and leaves the reader where it was: the serial <see cref="NumberArrayReader"/> then reads the section again
/// and reports the earliest error in file order with the same message and offset as it always has.
/// </summary>
internal static class ParallelNumberReader
{
    /// <summary>
    /// Bytes per block: each slice's bytes and values fit in the cache while it is tokenised and stored. A block and
    /// its seam search, and so any slice, stay within 1 MiB: the pooled buffers are then of the pool's 1 MiB and 2 MiB
    /// sizes, not the next power of two up.
    /// </summary>
    internal static int BlockSize { get; set; } = (1 << 20) - SeamSearch;

    /// <summary>Sections read here rather than left to the serial reader, since the process started: for tests.</summary>
    internal static long SectionsRead;

    /// <summary>How far past a block's start a separator must come; V8 writes at most 10 digits and "\n" before one.</summary>
    private const int SeamSearch = 4096;

    /// <summary>Blocks scanned per round while the end of the array is not yet known: what is scanned past it is wasted.</summary>
    private const int BlocksPerRound = 16;

    /// <summary>Reads <c>nodes</c> into the snapshot; false (reader untouched) when the serial reader must read it.</summary>
    public static bool TryReadNodes(ByteReader reader, SafeFileHandle file, long fileLength, HeapSnapshot snapshot, FieldRole[] roles,
        CancellationToken cancellation)
    {
        int fields = roles.Length;
        var slices = TryRead(reader, file, fileLength, (long)snapshot.NodeCount * fields, fields, new NodeSink(snapshot, roles), cancellation);
        if (slices is null) return Abandon(snapshot);

        // Each slice wrote FirstEdge from 0 at its first edge count: add the edge counts of the slices before it.
        var (first, sums, count, end) = slices.Value;
        var bases = new long[count];
        long total = 0;
        for (int k = 0; k < count; k++)
        {
            bases[k] = total;
            total += sums[k];
        }
        if (total != snapshot.EdgeCount) return Abandon(snapshot);
        int countField = Array.IndexOf(roles, FieldRole.EdgeCount);
        var firstEdge = snapshot.FirstEdge;
        Run(count, cancellation, k =>
        {
            int add = (int)bases[k];
            if (add == 0) return;
            // The nodes whose edge_count element lies in this slice.
            long from = (first[k] - countField + fields - 1) / fields, to = (first[k + 1] - countField + fields - 1) / fields;
            var span = firstEdge.AsSpan((int)from, (int)(to - from));
            for (int i = 0; i < span.Length; i++) span[i] += add;
        });
        reader.Seek(end + 1);
        Interlocked.Increment(ref SectionsRead);
        return true;
    }

    /// <summary>Reads <c>edges</c> into the snapshot; false (reader untouched) when the serial reader must read it.</summary>
    public static bool TryReadEdges(ByteReader reader, SafeFileHandle file, long fileLength, HeapSnapshot snapshot, FieldRole[] roles,
        CancellationToken cancellation)
    {
        if (TryRead(reader, file, fileLength, (long)snapshot.EdgeCount * roles.Length, roles.Length, new EdgeSink(snapshot, roles), cancellation)
            is not { } slices) return false;
        reader.Seek(slices.End + 1);
        Interlocked.Increment(ref SectionsRead);
        return true;
    }

    /// <summary>Drops what a given-up attempt may have made that the serial reader only makes when it meets it.</summary>
    private static bool Abandon(HeapSnapshot snapshot)
    {
        snapshot.TraceNodeIds = null;
        snapshot.Detachedness = null;
        return false;
    }

    /// <summary>
    /// The slices read: slice k holds elements <c>First[k]</c> .. <c>First[k + 1]</c>, and its sink summed to <c>Sums[k]</c>;
    /// the array's <c>]</c> is at <c>End</c>. The reader is moved past it by the caller once every check has passed, so
    /// that a given-up attempt leaves it where the serial reader must start.
    /// </summary>
    private readonly record struct Slices(long[] First, long[] Sums, int Count, long End);

    /// <summary>
    /// Buffers for one array: a pool of its own, as many as there are cores, garbage once the array is read (the
    /// shared pool would keep a few per core for the rest of the process).
    /// </summary>
    private sealed class Buffers
    {
        public readonly ArrayPool<byte> Bytes = ArrayPool<byte>.Create(1 << 20, Environment.ProcessorCount);
        public readonly ArrayPool<uint> Values = ArrayPool<uint>.Create(1 << 19, Environment.ProcessorCount);
    }

    /// <summary>A block's commas before any ']', the offset of its ']' (or -1), and its seam (or -1 when none is near).</summary>
    private readonly record struct BlockScan(int Commas, long Close, long Seam);

    private static Slices? TryRead<TSink>(ByteReader reader, SafeFileHandle file, long fileLength, long expected, int fieldCount,
        TSink prototype, CancellationToken cancellation) where TSink : struct, IRangeSink
    {
        if (expected == 0 || reader.PeekToken() != '[') return null;
        long start = reader.Offset + 1;
        int blockSize = BlockSize;
        var buffers = new Buffers();

        // 1. Commas and seams per block, a round of blocks at a time until the one holding ']'.
        var seams = new List<long> { start };
        var first = new List<long> { 0 };
        long commas = 0, end = -1;
        for (long roundStart = start; end < 0; roundStart += (long)BlocksPerRound * blockSize)
        {
            if (roundStart >= fileLength) return null;
            int blocks = (int)Math.Min(BlocksPerRound, (fileLength - roundStart + blockSize - 1) / blockSize);
            var scans = new BlockScan[blocks];
            long round = roundStart;
            Run(blocks, cancellation, i => scans[i] = Scan(file, fileLength, round + (long)i * blockSize, blockSize, buffers));
            for (int i = 0; i < blocks && end < 0; i++)
            {
                if (roundStart != start || i > 0)
                {
                    // Seams only move forward (blocks smaller than the seam search can share one).
                    if (scans[i].Seam < seams[^1]) return null;
                    seams.Add(scans[i].Seam);
                    // The elements before a seam: one more than the commas before it, whether it follows a comma or is the ']'.
                    first.Add(commas + 1);
                }
                commas += scans[i].Commas;
                end = scans[i].Close;
            }
        }
        // n elements have n - 1 commas between them.
        if (commas + 1 != expected) return null;
        seams.Add(end);
        first.Add(commas + 1);

        // 2. Tokenise and store each slice on whichever core is free.
        int count = seams.Count - 1;
        var sums = new long[count];
        var firstElements = first.ToArray();
        var seamOffsets = seams.ToArray();
        int failed = 0;
        Run(count, cancellation, k =>
        {
            if (Volatile.Read(ref failed) != 0) return;
            if (!ReadSlice(file, seamOffsets[k], seamOffsets[k + 1], seamOffsets[k + 1] == end, firstElements[k], firstElements[k + 1],
                    fieldCount, prototype, buffers, out sums[k]))
                Volatile.Write(ref failed, 1);
        });
        if (failed != 0) return null;
        return new Slices(firstElements, sums, count, end);
    }

    /// <summary>Counts the commas of the block at <paramref name="offset"/> up to a ']', and finds its seam.</summary>
    private static BlockScan Scan(SafeFileHandle file, long fileLength, long offset, int blockSize, Buffers buffers)
    {
        int length = (int)Math.Min(blockSize, fileLength - offset);
        int readLength = (int)Math.Min((long)length + SeamSearch, fileLength - offset);
        byte[] buffer = buffers.Bytes.Rent(readLength);
        try
        {
            var bytes = buffer.AsSpan(0, ReadFully(file, buffer.AsSpan(0, readLength), offset));
            var block = bytes[..Math.Min(length, bytes.Length)];
            int close = block.IndexOf((byte)']');
            int commas = (close < 0 ? block : block[..close]).Count((byte)',');
            int seam = bytes[..Math.Min(bytes.Length, SeamSearch)].IndexOfAny((byte)',', (byte)']');
            return new BlockScan(commas, close < 0 ? -1 : offset + close, seam < 0 ? -1 : offset + seam + (bytes[seam] == ',' ? 1 : 0));
        }
        finally
        {
            buffers.Bytes.Return(buffer);
        }
    }

    /// <summary>Tokenises and stores the bytes <paramref name="from"/> .. <paramref name="to"/>, elements <paramref name="firstElement"/> .. <paramref name="endElement"/>.</summary>
    private static bool ReadSlice<TSink>(SafeFileHandle file, long from, long to, bool last, long firstElement, long endElement, int fieldCount,
        TSink sink, Buffers buffers, out long sum) where TSink : struct, IRangeSink
    {
        sum = 0;
        int length = (int)(to - from);
        // An empty slice holds nothing only when the seams around it agree.
        if (length == 0) return firstElement == endElement;
        byte[] bytes = buffers.Bytes.Rent(length);
        // n elements take at least 2n - 1 bytes.
        uint[] values = buffers.Values.Rent((length + 1) / 2);
        try
        {
            if (ReadFully(file, bytes.AsSpan(0, length), from) != length) return false;
            var tokens = NumberArrayReader.Tokenize(bytes.AsSpan(0, length), values, endsWithValue: last);
            if (tokens.Error is not null || tokens.Count != endElement - firstElement) return false;
            sink.StartAt(firstElement, fieldCount);
            if (sink.AddRange(firstElement, values.AsSpan(0, tokens.Count)) >= 0) return false;
            sum = sink.Sum;
            return true;
        }
        finally
        {
            buffers.Bytes.Return(bytes);
            buffers.Values.Return(values);
        }
    }

    private static int ReadFully(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = RandomAccess.Read(file, buffer[total..], offset + total);
            if (read == 0) break;
            total += read;
        }
        return total;
    }

    /// <summary>Runs <paramref name="body"/> for 0 .. <paramref name="count"/> on every core; its exceptions as they were thrown.</summary>
    private static void Run(int count, CancellationToken cancellation, Action<int> body)
    {
        var options = new ParallelOptions { CancellationToken = cancellation, MaxDegreeOfParallelism = Environment.ProcessorCount };
        try
        {
            Parallel.For(0, count, options, body);
        }
        catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Throw(ex.InnerExceptions[0]);
        }
    }
}
