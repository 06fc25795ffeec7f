using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// A compact binary copy of an analysed snapshot, kept beside it as <c>&lt;snapshot&gt;.hdx</c>, so the snapshot can be
/// reopened without parsing its JSON or analysing it again. It holds the graph's arrays, the string table, the source
/// locations and every analysis result, the retainers and the dominator tree included: decompressing them costs less
/// than the counting sorts that would rebuild them. The loaded <see cref="SnapshotAnalysis"/> answers every question
/// exactly as the one that was saved.
/// <para>
/// Layout (little-endian): an 88-byte header (magic, format version, the snapshot's length, last-write time and a
/// SHA-256 of its first and last 64 KiB, the index's own length, a checksum of the header), then sections, each a
/// 24-byte header (tag, element size, count, a checksum of those), the elements in LZ4-compressed blocks of 1 MiB
/// (see <see cref="IndexWriter"/>) and a checksum of the section. Arrays of node ordinals, ids and offsets that mostly
/// rise in small steps are stored as differences, which LZ4 shrinks to a few percent of their size; edge targets are
/// not (their differences compress no better). Format 2; format 1 stored the arrays as they are, at about 0.9 of the
/// snapshot's size.
/// An index whose header, stamp, length, any checksum or any block does not match is never used.
/// </para>
/// </summary>
public static class AnalysisIndex
{
    public const string Extension = ".hdx";
    public const int FormatVersion = 2;

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
        // Packed afresh: the table read from a snapshot points into that file for most of its text.
        var starts = strings.Pack(chunk => w.WriteArray<byte>(SectionTag.StringChunk, chunk));
        w.WriteArray(SectionTag.StringStarts, starts);
        w.WriteArray(SectionTag.StringLengths, strings.Lengths);
        w.WriteArray<byte>(SectionTag.NodeTypes, s.NodeTypes);
        w.WriteArray<int>(SectionTag.NodeNames, s.NodeNames);
        w.WriteDeltas<uint>(SectionTag.NodeIds, s.NodeIds);
        w.WriteArray<uint>(SectionTag.SelfSizes, s.SelfSizes);
        w.WriteDeltas<int>(SectionTag.FirstEdge, s.FirstEdge);
        if (s.TraceNodeIds is { } trace) w.WriteArray<int>(SectionTag.TraceNodeIds, trace);
        if (s.Detachedness is { } detachedness) w.WriteArray<byte>(SectionTag.Detachedness, detachedness);
        w.WriteArray<byte>(SectionTag.EdgeTypes, s.EdgeTypes);
        w.WriteArray<int>(SectionTag.EdgeNames, s.EdgeNames);
        w.WriteArray<int>(SectionTag.EdgeTargets, s.EdgeTargets);
        w.WriteDeltas<int>(SectionTag.LocationOrdinals, s.Locations.Ordinals);
        w.WriteArray(SectionTag.Locations, s.Locations.Locations);
        w.WriteArray<int>(SectionTag.Distances, analysis.Distances);
        w.WriteDeltas<int>(SectionTag.Dominators, analysis.Dominators);
        WriteRetainedSizes(w, analysis);
        w.WriteArray<int>(SectionTag.ClassOf, analysis.ClassOf);
        w.WriteDeltas<int>(SectionTag.RetainerFirst, analysis.Retainers.First);
        w.WriteDeltas<int>(SectionTag.RetainerNodes, analysis.Retainers.Nodes);
        w.WriteArray<ulong>(SectionTag.RetainerEssential, analysis.Retainers.Essential.Words);
        w.WriteDeltas<int>(SectionTag.DominatedFirst, analysis.FirstDominated);
        w.WriteDeltas<int>(SectionTag.DominatedNodes, analysis.DominatedNodes);
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
        var chunks = new List<byte[]>(info.StringChunkCount);
        for (int i = 0; i < info.StringChunkCount; i++) chunks.Add(r.ReadArray<byte>(SectionTag.StringChunk));
        var starts = r.ReadArray<long>(SectionTag.StringStarts, info.StringCount);
        var lengths = r.ReadArray<int>(SectionTag.StringLengths, info.StringCount);
        var nodeTypes = r.ReadArray<byte>(SectionTag.NodeTypes, n);
        var nodeNames = r.ReadArray<int>(SectionTag.NodeNames, n);
        var nodeIds = r.ReadDeltas<uint>(SectionTag.NodeIds, n);
        var selfSizes = r.ReadArray<uint>(SectionTag.SelfSizes, n);
        var firstEdge = r.ReadDeltas<int>(SectionTag.FirstEdge, n + 1L);
        if (firstEdge[0] != 0 || firstEdge[n] != m) throw new InvalidDataException("the index's edge ranges do not cover its edges");
        var trace = info.HasTraceNodeIds ? r.ReadArray<int>(SectionTag.TraceNodeIds, n) : null;
        var detachedness = info.HasDetachedness ? r.ReadArray<byte>(SectionTag.Detachedness, n) : null;
        var edgeTypes = r.ReadArray<byte>(SectionTag.EdgeTypes, m);
        var edgeNames = r.ReadArray<int>(SectionTag.EdgeNames, m);
        var edgeTargets = r.ReadArray<int>(SectionTag.EdgeTargets, m);
        var snapshot = new HeapSnapshot(info.Meta, nodeTypes, nodeNames, nodeIds, selfSizes, firstEdge, edgeTypes, edgeNames, edgeTargets)
        {
            TraceNodeIds = trace,
            Detachedness = detachedness,
            FileSize = info.FileSize,
            ShallowSizesTransferred = info.ShallowSizesTransferred,
            Strings = new StringTable(chunks, starts, lengths, info.StringCount),
        };
        snapshot.CacheTypeIndexes();
        var locationOrdinals = r.ReadDeltas<int>(SectionTag.LocationOrdinals, info.LocationCount);
        var locations = r.ReadArray<SourceLocation>(SectionTag.Locations, info.LocationCount);
        snapshot.Locations = SourceLocations.FromSorted(locationOrdinals, locations);
        var distances = r.ReadArray<int>(SectionTag.Distances, n);
        var dominators = r.ReadDeltas<int>(SectionTag.Dominators, n);
        var retained = ReadRetainedSizes(r, n);
        var classOf = r.ReadArray<int>(SectionTag.ClassOf, n);
        var retainerFirst = r.ReadDeltas<int>(SectionTag.RetainerFirst, n + 1L);
        var retainerNodes = r.ReadDeltas<int>(SectionTag.RetainerNodes, m);
        var essential = new BitSet(r.ReadArray<ulong>(SectionTag.RetainerEssential, BitSet.WordCount(m)));
        if (retainerFirst[0] != 0 || retainerFirst[n] != m) throw new InvalidDataException("the index's retainer ranges do not cover its edges");
        var dominatedFirst = r.ReadDeltas<int>(SectionTag.DominatedFirst, n + 1L);
        var dominatedNodes = r.ReadDeltas<int>(SectionTag.DominatedNodes, Math.Max(0, n - 1));
        if (dominatedFirst[0] != 0 || dominatedFirst[n] != dominatedNodes.Length)
            throw new InvalidDataException("the index's dominator tree does not cover its nodes");
        if (r.Position != r.End) throw new InvalidDataException("the index has bytes after its last section");
        return SnapshotAnalysis.Restore(snapshot, Retainers.Restore(retainerFirst, retainerNodes, essential), distances, dominators,
            retained, classOf, dominatedFirst, dominatedNodes, info.Classes, info.Statistics);
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
