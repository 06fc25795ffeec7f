using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// Writes sections: tag (4 B), element size (4 B), element count (8 B), the elements' raw little-endian bytes, then a
/// checksum (8 B) of all of it, so each section can be verified as soon as it is read.
/// </summary>
internal sealed class IndexWriter(Stream stream)
{
    // Small enough to stay in cache between the checksum and the copy into the stream's buffer.
    private const int ChunkBytes = 1 << 20;

    public void WriteArray<T>(SectionTag tag, ReadOnlySpan<T> items) where T : unmanaged
    {
        int size = Unsafe.SizeOf<T>();
        var checksum = new IndexChecksum();
        Span<byte> header = stackalloc byte[IndexReader.SectionHeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)tag);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], size);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], items.Length);
        checksum.Append(header);
        stream.Write(header);
        int perChunk = ChunkBytes / size;
        for (int start = 0; start < items.Length; start += perChunk)
        {
            var bytes = MemoryMarshal.AsBytes(items.Slice(start, Math.Min(perChunk, items.Length - start)));
            checksum.Append(bytes);
            stream.Write(bytes);
        }
        Span<byte> trailer = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, checksum.Finish());
        stream.Write(trailer);
    }
}
