using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using K4os.Compression.LZ4;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// Writes sections: tag (4 B), element size (4 B), element count (8 B), a checksum of those 16 bytes (8 B), then the
/// elements' little-endian bytes in blocks of as many whole elements as fit in <see cref="BlockBytes"/> (the last
/// block shorter), each stored as its
/// length (4 B) and its bytes, LZ4-compressed, or as they are when LZ4 does not make them smaller (a stored length
/// equal to the block's own length). Last, a checksum (8 B) of all of the section, so each section can be verified as
/// soon as it is read. Blocks are compressed a batch at a time on every core.
/// </summary>
internal sealed class IndexWriter(Stream stream)
{
    /// <summary>Raw bytes per block: large enough for LZ4 to find the repeats, small enough to share among cores.</summary>
    public const int BlockBytes = 1 << 20;

    /// <summary>Blocks compressed (or, in <see cref="IndexReader"/>, decompressed) side by side at a time.</summary>
    public const int BatchBlocks = 16;

    private readonly byte[] _raw = GC.AllocateUninitializedArray<byte>(BatchBlocks * BlockBytes);
    private readonly byte[][] _packed = Enumerable.Range(0, BatchBlocks)
        .Select(_ => GC.AllocateUninitializedArray<byte>(LZ4Codec.MaximumOutputSize(BlockBytes))).ToArray();
    private readonly int[] _packedLengths = new int[BatchBlocks];

    public void WriteArray<T>(SectionTag tag, ReadOnlySpan<T> items) where T : unmanaged => Write(tag, items, deltas: false);

    /// <summary>
    /// Writes each item's difference from the one before it in its block (wrapping; a block's first item as it is),
    /// which <see cref="IndexReader.ReadDeltas"/> adds up again: node ordinals and ids that mostly rise in small steps
    /// become small repeated values LZ4 can shrink. Starting afresh in each block lets the blocks be added up apart, on
    /// every core, right after each is decompressed.
    /// </summary>
    public void WriteDeltas<T>(SectionTag tag, ReadOnlySpan<T> items) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() != sizeof(int)) throw new ArgumentException("deltas are of 4-byte integers", nameof(items));
        Write(tag, items, deltas: true);
    }

    private void Write<T>(SectionTag tag, ReadOnlySpan<T> items, bool deltas) where T : unmanaged
    {
        var checksum = new IndexChecksum();
        Span<byte> header = stackalloc byte[IndexReader.SectionHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)tag);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], Unsafe.SizeOf<T>());
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], items.Length);
        BinaryPrimitives.WriteUInt64LittleEndian(header[16..], IndexChecksum.Of(header[..16]));
        checksum.Append(header);
        stream.Write(header);

        // Blocks hold whole elements (BlockBytes / size of them), so an array of any length is cut into spans of
        // at most a batch before it is seen as bytes.
        int size = Unsafe.SizeOf<T>(), perBlock = BlockBytes / size, blockBytes = perBlock * size;
        Span<byte> length = stackalloc byte[sizeof(int)];
        for (long start = 0; start < items.Length; start += (long)perBlock * BatchBlocks)
        {
            // Copied out of the span so the blocks can be handed to other threads.
            var batch = MemoryMarshal.AsBytes(items.Slice((int)start, (int)Math.Min((long)perBlock * BatchBlocks, items.Length - start)));
            if (deltas)
            {
                for (int block = 0; block < batch.Length; block += blockBytes)
                {
                    var values = batch.Slice(block, Math.Min(blockBytes, batch.Length - block));
                    Differences(MemoryMarshal.Cast<byte, int>(values), MemoryMarshal.Cast<byte, int>(_raw.AsSpan(block, values.Length)));
                }
            }
            else batch.CopyTo(_raw);
            int blocks = (batch.Length + blockBytes - 1) / blockBytes;
            int batchLength = batch.Length;
            Parallel.For(0, blocks, b => Pack(b, blockBytes, Math.Min(blockBytes, batchLength - b * blockBytes)));
            for (int b = 0; b < blocks; b++)
            {
                var packed = _packed[b].AsSpan(0, _packedLengths[b]);
                BinaryPrimitives.WriteInt32LittleEndian(length, packed.Length);
                checksum.Append(length);
                checksum.Append(packed);
                stream.Write(length);
                stream.Write(packed);
            }
        }
        Span<byte> trailer = stackalloc byte[sizeof(ulong)];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, checksum.Finish());
        stream.Write(trailer);
    }

    private static void Differences(ReadOnlySpan<int> items, Span<int> differences)
    {
        int previous = 0;
        for (int i = 0; i < items.Length; i++)
        {
            differences[i] = unchecked(items[i] - previous);
            previous = items[i];
        }
    }

    private void Pack(int block, int blockBytes, int rawLength)
    {
        var raw = _raw.AsSpan(block * blockBytes, rawLength);
        int packed = LZ4Codec.Encode(raw, _packed[block]);
        if (packed <= 0 || packed >= rawLength)
        {
            raw.CopyTo(_packed[block]);
            packed = rawLength;
        }
        _packedLengths[block] = packed;
    }
}
