using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// A compact binary copy of an analysed snapshot, kept beside it as <c>&lt;snapshot&gt;.hdx</c>, so the snapshot can be
/// reopened without parsing its JSON or analysing it again. It holds the graph's arrays, the string table, the source
/// locations and every analysis result that is costly to compute (distances, dominators, retained sizes, classes,
/// statistics); retainers and the dominator tree are rebuilt on load (two counting sorts, run side by side).
/// The loaded <see cref="SnapshotAnalysis"/> answers every question exactly as the one that was saved.
/// <para>
/// Layout (little-endian): an 88-byte header (magic, format version, the snapshot's length, last-write time and a
/// SHA-256 of its first and last 64 KiB, the index's own length, a checksum of the header), then sections, each a
/// 16-byte header (tag, element size, count), the raw elements and a checksum of the section.
/// An index whose header, stamp, length or any checksum does not match is never used.
/// </para>
/// </summary>
public static class AnalysisIndex
{
    public const string Extension = ".hdx";
    public const int FormatVersion = 1;

    private static ReadOnlySpan<byte> Magic => "HEAPDOGX"u8;
    private const int HeaderSize = 88;

    /// <summary>Where the index of <paramref name="snapshotPath"/> lives: beside it, with <see cref="Extension"/> appended.</summary>
    public static string PathFor(string snapshotPath) => snapshotPath + Extension;

    /// <summary>
    /// Writes the index of <paramref name="analysis"/>, read from <paramref name="snapshotPath"/>, to
    /// <paramref name="indexPath"/>: to a temporary file in the same directory, flushed to disk, then renamed over
    /// the target, so a reader sees the old index, the new one or none, never a partial one. The file is created
    /// owner-only (0600), whatever the umask. Call it right after the
    /// analysis: the index is stamped with the snapshot file as it is now.
    /// </summary>
    /// <exception cref="IOException">The index could not be written (disk full, I/O error) or the snapshot cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The directory is not writable.</exception>
    /// <exception cref="InvalidOperationException">The snapshot file's length is no longer the one analysed.</exception>
    public static void Write(string indexPath, string snapshotPath, SnapshotAnalysis analysis)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("analysis indexes are little-endian only");
        var snapshot = analysis.Snapshot;
        var stamp = SnapshotStamp.Capture(snapshotPath);
        if (snapshot.FileSize >= 0 && snapshot.FileSize != stamp.Length)
            throw new InvalidOperationException($"'{snapshotPath}' is {stamp.Length} bytes now, not the {snapshot.FileSize} analysed");
        string fullPath = Path.GetFullPath(indexPath);
        string temp = Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            // Owner-only from its creation: the index holds the snapshot's whole string table (tokens, passwords).
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = 1 << 20 };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(new byte[HeaderSize]);
                WriteBody(new IndexWriter(stream), analysis);
                stream.Flush();
                var header = Header(stamp, stream.Length);
                stream.Position = 0;
                stream.Write(header);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary><see cref="Write"/> for best-effort callers: false (and no file left behind) when it could not be written.</summary>
    public static bool TryWrite(string indexPath, string snapshotPath, SnapshotAnalysis analysis)
    {
        // The index does not hold allocation stacks: such a snapshot is read again from its file, so they are not lost.
        if (analysis.Snapshot.AllocationTrace is not null) return false;
        try
        {
            Write(indexPath, snapshotPath, analysis);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Loads the index at <paramref name="indexPath"/> if it was written for <paramref name="snapshotPath"/> as that
    /// file is now and is intact; false otherwise (missing, stale, foreign, truncated, damaged, unreadable, or an
    /// older format). Never throws for a bad index. The snapshot is <c>analysis.Snapshot</c>.
    /// </summary>
    public static bool TryLoad(string indexPath, string snapshotPath, [NotNullWhen(true)] out SnapshotAnalysis? analysis)
    {
        analysis = null;
        if (!BitConverter.IsLittleEndian) return false;
        try
        {
            using var handle = File.OpenHandle(indexPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
            long length = RandomAccess.GetLength(handle);
            if (length < HeaderSize) return false;
            var header = new byte[HeaderSize];
            if (RandomAccess.Read(handle, header, 0) != HeaderSize) return false;
            if (!Header(SnapshotStamp.Capture(snapshotPath), length).AsSpan().SequenceEqual(header)) return false;
            analysis = ReadBody(new IndexReader(handle, HeaderSize, length));
            return analysis is not null;
        }
        catch (Exception)
        {
            // A cache miss, whatever the reason: the caller parses the snapshot instead.
            analysis = null;
            return false;
        }
    }

    private static byte[] Header(SnapshotStamp stamp, long indexLength)
    {
        var header = new byte[HeaderSize];
        var span = header.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(span[16..], stamp.Length);
        BinaryPrimitives.WriteInt64LittleEndian(span[24..], stamp.LastWriteTicks);
        BinaryPrimitives.WriteUInt128LittleEndian(span[32..], stamp.HashHigh);
        BinaryPrimitives.WriteUInt128LittleEndian(span[48..], stamp.HashLow);
        BinaryPrimitives.WriteInt64LittleEndian(span[64..], indexLength);
        BinaryPrimitives.WriteUInt64LittleEndian(span[80..], IndexChecksum.Of(span[..80]));
        return header;
    }

    private static void WriteBody(IndexWriter w, SnapshotAnalysis analysis)
    {
        var s = analysis.Snapshot;
        var strings = s.Strings;
        w.WriteArray<byte>(SectionTag.Info, IndexInfo.Encode(analysis));
        // What the retainers are built from comes first, so the loader can build them while it reads the rest.
        w.WriteArray<int>(SectionTag.FirstEdge, s.FirstEdge);
        w.WriteArray<int>(SectionTag.EdgeTargets, s.EdgeTargets);
        w.WriteArray<ulong>(SectionTag.EssentialEdges, analysis.Retainers.EssentialEdges(s).Words);
        // Packed afresh: the table read from a snapshot points into that file for most of its text.
        var starts = strings.Pack(chunk => w.WriteArray(SectionTag.StringChunk, chunk));
        w.WriteArray<long>(SectionTag.StringStarts, starts);
        w.WriteArray(SectionTag.StringLengths, strings.Lengths);
        w.WriteArray<byte>(SectionTag.NodeTypes, s.NodeTypes);
        w.WriteArray<int>(SectionTag.NodeNames, s.NodeNames);
        w.WriteArray<uint>(SectionTag.NodeIds, s.NodeIds);
        w.WriteArray<uint>(SectionTag.SelfSizes, s.SelfSizes);
        if (s.TraceNodeIds is { } trace) w.WriteArray<int>(SectionTag.TraceNodeIds, trace);
        if (s.Detachedness is { } detachedness) w.WriteArray<byte>(SectionTag.Detachedness, detachedness);
        w.WriteArray<byte>(SectionTag.EdgeTypes, s.EdgeTypes);
        w.WriteArray<int>(SectionTag.EdgeNames, s.EdgeNames);
        w.WriteArray(SectionTag.LocationOrdinals, s.Locations.Ordinals);
        w.WriteArray(SectionTag.Locations, s.Locations.Locations);
        w.WriteArray<int>(SectionTag.Distances, analysis.Distances);
        w.WriteArray<int>(SectionTag.Dominators, analysis.Dominators);
        WriteRetainedSizes(w, analysis);
        w.WriteArray<int>(SectionTag.ClassOf, analysis.ClassOf);
    }

    /// <summary>
    /// Retained sizes in 4 bytes each when they all fit (the root's is the largest: it dominates everything), which
    /// is every heap under 4 GiB; 8 bytes otherwise.
    /// </summary>
    private static void WriteRetainedSizes(IndexWriter w, SnapshotAnalysis analysis)
    {
        var retained = analysis.RetainedSizes;
        long max = 0;
        foreach (long size in retained) max = Math.Max(max, size);
        if (max > uint.MaxValue)
        {
            w.WriteArray<long>(SectionTag.RetainedSizes64, retained);
            return;
        }
        var narrow = new uint[retained.Length];
        for (int i = 0; i < narrow.Length; i++) narrow[i] = (uint)retained[i];
        w.WriteArray<uint>(SectionTag.RetainedSizes32, narrow);
    }

    private static SnapshotAnalysis ReadBody(IndexReader r)
    {
        var info = IndexInfo.Decode(r.ReadArray<byte>(SectionTag.Info));
        int n = info.NodeCount, m = info.EdgeCount;
        var firstEdge = r.ReadArray<int>(SectionTag.FirstEdge, n + 1L);
        var edgeTargets = r.ReadArray<int>(SectionTag.EdgeTargets, m);
        var essential = new BitSet(r.ReadArray<ulong>(SectionTag.EssentialEdges, BitSet.WordCount(m)));
        if (firstEdge[0] != 0 || firstEdge[n] != m) throw new InvalidDataException("the index's edge ranges do not cover its edges");
        // Counting sort on the other core while this one reads the rest.
        var retainers = Task.Run(() => Retainers.Build(firstEdge, edgeTargets, essential));
        try
        {
            var chunks = new List<byte[]>(info.StringChunkCount);
            for (int i = 0; i < info.StringChunkCount; i++) chunks.Add(r.ReadArray<byte>(SectionTag.StringChunk));
            var starts = r.ReadArray<long>(SectionTag.StringStarts, info.StringCount);
            var lengths = r.ReadArray<int>(SectionTag.StringLengths, info.StringCount);
            var nodeTypes = r.ReadArray<byte>(SectionTag.NodeTypes, n);
            var nodeNames = r.ReadArray<int>(SectionTag.NodeNames, n);
            var nodeIds = r.ReadArray<uint>(SectionTag.NodeIds, n);
            var selfSizes = r.ReadArray<uint>(SectionTag.SelfSizes, n);
            var trace = info.HasTraceNodeIds ? r.ReadArray<int>(SectionTag.TraceNodeIds, n) : null;
            var detachedness = info.HasDetachedness ? r.ReadArray<byte>(SectionTag.Detachedness, n) : null;
            var edgeTypes = r.ReadArray<byte>(SectionTag.EdgeTypes, m);
            var edgeNames = r.ReadArray<int>(SectionTag.EdgeNames, m);
            var snapshot = new HeapSnapshot(info.Meta, nodeTypes, nodeNames, nodeIds, selfSizes, firstEdge, edgeTypes, edgeNames, edgeTargets)
            {
                TraceNodeIds = trace,
                Detachedness = detachedness,
                FileSize = info.FileSize,
                ShallowSizesTransferred = info.ShallowSizesTransferred,
                Strings = new StringTable(chunks, starts, lengths, info.StringCount),
            };
            snapshot.CacheTypeIndexes();
            var locationOrdinals = r.ReadArray<int>(SectionTag.LocationOrdinals, info.LocationCount);
            var locations = r.ReadArray<SourceLocation>(SectionTag.Locations, info.LocationCount);
            snapshot.Locations = SourceLocations.FromSorted(locationOrdinals, locations);
            var distances = r.ReadArray<int>(SectionTag.Distances, n);
            var dominators = r.ReadArray<int>(SectionTag.Dominators, n);
            var retained = ReadRetainedSizes(r, n);
            var classOf = r.ReadArray<int>(SectionTag.ClassOf, n);
            if (r.Position != r.End) throw new InvalidDataException("the index has bytes after its last section");
            return SnapshotAnalysis.Restore(snapshot, retainers.GetAwaiter().GetResult(), distances, dominators, retained, classOf,
                info.Classes, info.Statistics);
        }
        catch
        {
            // Let the helper finish before its arrays are dropped; its own result no longer matters.
            try { retainers.Wait(); } catch (AggregateException) { }
            throw;
        }
    }

    private static long[] ReadRetainedSizes(IndexReader r, int n)
    {
        if (r.PeekTag() == SectionTag.RetainedSizes64) return r.ReadArray<long>(SectionTag.RetainedSizes64, n);
        var narrow = r.ReadArray<uint>(SectionTag.RetainedSizes32, n);
        var retained = GC.AllocateUninitializedArray<long>(n);
        for (int i = 0; i < retained.Length; i++) retained[i] = narrow[i];
        return retained;
    }
}
