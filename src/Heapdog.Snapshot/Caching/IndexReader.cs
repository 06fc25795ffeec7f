using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;
using Microsoft.Win32.SafeHandles;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// Reads the sections <see cref="IndexWriter"/> wrote, decompressing a batch of blocks at a time on every core straight
/// into uninitialised arrays. Any mismatch (tag, element size, a header checksum, a count the rest of the file cannot
/// hold, a block length out of range, a block that does not decompress to exactly its length, a short read, a section
/// checksum) is an <see cref="InvalidDataException"/>: nothing is allocated from a header that fails its checksum or
/// from a size the file cannot back. The index is read, not memory-mapped: a mapped file cut short by another process
/// would stop this one with SIGBUS instead of being refused.
/// </summary>
internal sealed class IndexReader(SafeFileHandle handle, long position, long end)
{
    public const int SectionHeaderSize = 24;

    /// <summary>The most LZ4 can expand (a block of one repeated byte): bounds what a section's stored bytes can hold.</summary>
    private const int MaxExpansion = 256;

    private readonly byte[] _small = new byte[SectionHeaderSize];
    private readonly byte[] _stored = GC.AllocateUninitializedArray<byte>(IndexWriter.BatchBlocks * IndexWriter.BlockBytes);
    private readonly int[] _offsets = new int[IndexWriter.BatchBlocks];
    private readonly int[] _lengths = new int[IndexWriter.BatchBlocks];

    public long Position => position;
    public long End => end;

    /// <summary>The tag of the next section, without consuming it (for optional sections).</summary>
    public SectionTag PeekTag()
    {
        ReadExactly(_small.AsSpan(0, 4), position);
        return (SectionTag)BinaryPrimitives.ReadUInt32LittleEndian(_small);
    }

    /// <summary>Reads what <see cref="IndexWriter.WriteDeltas"/> wrote: each block's differences added up in place.</summary>
    public T[] ReadDeltas<T>(SectionTag tag, long expectedCount) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != sizeof(int)) throw new ArgumentException("deltas are of 4-byte integers", nameof(T));
        return Read<T>(tag, expectedCount, deltas: true);
    }

    public T[] ReadArray<T>(SectionTag tag, long expectedCount = -1) where T : unmanaged => Read<T>(tag, expectedCount, deltas: false);

    private T[] Read<T>(SectionTag tag, long expectedCount, bool deltas) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        var checksum = new IndexChecksum();
        var header = _small.AsSpan(0, SectionHeaderSize);
        ReadExactly(header, position);
        checksum.Append(header);
        var actualTag = (SectionTag)BinaryPrimitives.ReadUInt32LittleEndian(header);
        int actualSize = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        long count = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        long room = end - position - SectionHeaderSize - sizeof(ulong);
        if (BinaryPrimitives.ReadUInt64LittleEndian(header[16..]) != IndexChecksum.Of(header[..16])
            || actualTag != tag || actualSize != size || count < 0 || count > Array.MaxLength
            || count > room / size * MaxExpansion || (expectedCount >= 0 && count != expectedCount))
            throw new InvalidDataException($"section {actualTag} at {position} does not match the expected {tag}");
        position += SectionHeaderSize;
        var items = GC.AllocateUninitializedArray<T>((int)count);
        // Blocks of whole elements, as IndexWriter cuts them: arrays past 2 GiB are never seen as one span of bytes.
        int perBlock = IndexWriter.BlockBytes / size;
        for (long start = 0; start < count; start += (long)perBlock * IndexWriter.BatchBlocks)
        {
            int batchCount = (int)Math.Min((long)perBlock * IndexWriter.BatchBlocks, count - start);
            int blocks = (batchCount + perBlock - 1) / perBlock;
            int stored = 0;
            for (int b = 0; b < blocks; b++)
            {
                int rawLength = Math.Min(perBlock, batchCount - b * perBlock) * size;
                var length = _small.AsSpan(0, sizeof(int));
                ReadExactly(length, position);
                checksum.Append(length);
                int storedLength = BinaryPrimitives.ReadInt32LittleEndian(length);
                if (storedLength <= 0 || storedLength > rawLength)
                    throw new InvalidDataException($"section {tag} has a block of {storedLength} bytes at {position}");
                position += sizeof(int);
                var bytes = _stored.AsSpan(stored, storedLength);
                ReadExactly(bytes, position);
                checksum.Append(bytes);
                position += storedLength;
                (_offsets[b], _lengths[b]) = (stored, storedLength);
                stored += storedLength;
            }
            int batchStart = (int)start;
            bool intact = true;
            Parallel.For(0, blocks, b =>
            {
                var target = MemoryMarshal.AsBytes(items.AsSpan(batchStart + b * perBlock, Math.Min(perBlock, batchCount - b * perBlock)));
                var source = _stored.AsSpan(_offsets[b], _lengths[b]);
                if (source.Length == target.Length) source.CopyTo(target);
                else if (LZ4Codec.Decode(source, target) != target.Length) intact = false;
                if (deltas) AddUp(MemoryMarshal.Cast<byte, int>(target));
            });
            if (!intact) throw new InvalidDataException($"section {tag} has a block that does not decompress");
        }
        var trailer = _small.AsSpan(0, sizeof(ulong));
        ReadExactly(trailer, position);
        position += sizeof(ulong);
        if (BinaryPrimitives.ReadUInt64LittleEndian(trailer) != checksum.Finish())
            throw new InvalidDataException($"section {tag} fails its checksum");
        return items;
    }

    private static void AddUp(Span<int> differences)
    {
        int sum = 0;
        for (int i = 0; i < differences.Length; i++) differences[i] = sum = unchecked(sum + differences[i]);
    }

    private void ReadExactly(Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read <= 0) throw new InvalidDataException("the index ends early");
            buffer = buffer[read..];
            offset += read;
        }
    }
}
