using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// Reads the sections <see cref="IndexWriter"/> wrote, with large reads straight into uninitialised arrays. Any
/// mismatch (tag, element size, a count the rest of the file cannot hold, a short read, a checksum) is an
/// <see cref="InvalidDataException"/>: nothing is allocated from a size the file cannot back.
/// </summary>
internal sealed class IndexReader(SafeFileHandle handle, long position, long end)
{
    public const int SectionHeaderSize = 16;
    private const int ChunkBytes = 1 << 20;

    private readonly byte[] _small = new byte[SectionHeaderSize];

    public long Position => position;
    public long End => end;

    /// <summary>The tag of the next section, without consuming it (for optional sections).</summary>
    public SectionTag PeekTag()
    {
        ReadExactly(_small.AsSpan(0, 4), position);
        return (SectionTag)BinaryPrimitives.ReadUInt32LittleEndian(_small);
    }

    public T[] ReadArray<T>(SectionTag tag, long expectedCount = -1) where T : unmanaged
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
        if (actualTag != tag || actualSize != size || count < 0 || count > room / size || count > Array.MaxLength
            || (expectedCount >= 0 && count != expectedCount))
            throw new InvalidDataException($"section {actualTag} at {position} does not match the expected {tag}");
        position += SectionHeaderSize;
        var items = GC.AllocateUninitializedArray<T>((int)count);
        int perChunk = ChunkBytes / size;
        for (int start = 0; start < items.Length; start += perChunk)
        {
            var bytes = MemoryMarshal.AsBytes(items.AsSpan(start, Math.Min(perChunk, items.Length - start)));
            ReadExactly(bytes, position);
            checksum.Append(bytes);
            position += bytes.Length;
        }
        var trailer = _small.AsSpan(0, sizeof(ulong));
        ReadExactly(trailer, position);
        position += sizeof(ulong);
        if (BinaryPrimitives.ReadUInt64LittleEndian(trailer) != checksum.Finish())
            throw new InvalidDataException($"section {tag} fails its checksum");
        return items;
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
