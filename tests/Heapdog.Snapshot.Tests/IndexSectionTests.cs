using System.Buffers.Binary;
using Heapdog.Snapshot.Caching;

namespace Heapdog.Snapshot.Tests;

/// <summary>
/// The analysis index's section encoding (<see cref="IndexWriter"/>, <see cref="IndexReader"/>) on arrays larger than
/// the fixture snapshots give: several blocks and several batches, compressible and not, differences that wrap; and
/// blocks damaged in ways a section checksum rewritten to match does not catch.
/// </summary>
public sealed class IndexSectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("heapdog-sections-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ReadDeltas_ArrayOverSeveralBatches_ComesBackExactly()
    {
        // 5.5 M ints = 22 MB: over one batch of 16 blocks of 1 MiB, so differences are taken across batch boundaries.
        var random = new Random(17);
        var items = new int[5_500_000];
        for (int i = 1; i < items.Length; i++) items[i] = items[i - 1] + random.Next(-3, 40);
        items[1_000_000] = int.MaxValue;
        items[1_000_001] = int.MinValue;
        items[^1] = -1;

        string path = WriteSection(w => w.WriteDeltas<int>(SectionTag.Dominators, items));

        var read = ReadSection(path, r => r.ReadDeltas<int>(SectionTag.Dominators, items.Length));
        read.ShouldBe(items);
        new FileInfo(path).Length.ShouldBeLessThan(items.Length * 2L);
    }

    [Fact]
    public void ReadArray_IncompressibleBlocks_AreStoredAsTheyAreAndComeBackExactly()
    {
        var items = new byte[3 * IndexWriter.BlockBytes + 12345];
        new Random(5).NextBytes(items);

        string path = WriteSection(w => w.WriteArray<byte>(SectionTag.StringChunk, items));

        ReadSection(path, r => r.ReadArray<byte>(SectionTag.StringChunk)).ShouldBe(items);
        // Header, a length per block, the bytes as they are and the checksum: nothing grew past that.
        new FileInfo(path).Length.ShouldBe(IndexReader.SectionHeaderSize + 4 * 4 + items.Length + 8);
    }

    [Fact]
    public void ReadArray_ElementsOfTwelveBytesOverSeveralBlocks_ComeBackExactly()
    {
        // 1 MiB is not a multiple of 12: blocks hold whole elements, so none is cut in two.
        var items = Enumerable.Range(0, 300_000).Select(i => new SourceLocation(i % 7, i / 3, -i)).ToArray();

        string path = WriteSection(w => w.WriteArray<SourceLocation>(SectionTag.Locations, items));

        ReadSection(path, r => r.ReadArray<SourceLocation>(SectionTag.Locations, items.Length)).ShouldBe(items);
    }

    [Fact]
    public void ReadArray_EmptyArray_ComesBackEmpty()
    {
        string path = WriteSection(w => w.WriteArray<int>(SectionTag.ClassOf, []));
        ReadSection(path, r => r.ReadArray<int>(SectionTag.ClassOf, 0)).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    [InlineData(IndexWriter.BlockBytes + 1)]
    [InlineData(int.MaxValue)]
    public void ReadArray_BlockLengthOutOfRange_IsRefusedEvenWithTheChecksumRewritten(int storedLength)
    {
        string path = WriteSection(w => w.WriteArray<int>(SectionTag.EdgeNames, Compressible(600_000)));
        var bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(IndexReader.SectionHeaderSize), storedLength);
        RewriteChecksum(bytes);
        File.WriteAllBytes(path, bytes);

        Should.Throw<InvalidDataException>(() => ReadSection(path, r => r.ReadArray<int>(SectionTag.EdgeNames, 600_000)))
            .Message.ShouldContain("block of");
    }

    [Fact]
    public void ReadArray_CompressedBlockCutShort_IsRefusedEvenWithTheChecksumRewritten()
    {
        string path = WriteSection(w => w.WriteArray<int>(SectionTag.EdgeNames, Compressible(100_000)));
        var bytes = File.ReadAllBytes(path);
        int at = IndexReader.SectionHeaderSize;
        int stored = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
        stored.ShouldBeLessThan(400_000); // compressed, not stored as it is
        // One byte fewer: the block's length says so, the bytes after it move up, the checksum is made to match.
        var cut = bytes[..(at + 4 + stored - 1)].Concat(bytes[(at + 4 + stored)..]).ToArray();
        BinaryPrimitives.WriteInt32LittleEndian(cut.AsSpan(at), stored - 1);
        RewriteChecksum(cut);
        File.WriteAllBytes(path, cut);

        Should.Throw<InvalidDataException>(() => ReadSection(path, r => r.ReadArray<int>(SectionTag.EdgeNames, 100_000)))
            .Message.ShouldContain("does not decompress");
    }

    [Fact]
    public void ReadArray_CountChangedWithTheSectionChecksumRewritten_IsRefusedByTheHeaderChecksum()
    {
        string path = WriteSection(w => w.WriteArray<int>(SectionTag.ClassOf, Compressible(1000)));
        var bytes = File.ReadAllBytes(path);
        // A count the stored bytes could hold: only the header's own checksum tells it from the true one.
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8), 1001);
        RewriteChecksum(bytes);
        File.WriteAllBytes(path, bytes);

        Should.Throw<InvalidDataException>(() => ReadSection(path, r => r.ReadArray<int>(SectionTag.ClassOf)))
            .Message.ShouldContain("does not match");
    }

    /// <summary>Repeating runs, as a snapshot's property names are: LZ4 shrinks them well.</summary>
    private static int[] Compressible(int count) => Enumerable.Range(0, count).Select(i => i % 97 + i / 5000).ToArray();

    private string WriteSection(Action<IndexWriter> write)
    {
        string path = Path.Combine(_dir, $"{Guid.NewGuid():N}.section");
        using (var stream = File.Create(path)) write(new IndexWriter(stream));
        return path;
    }

    private static T[] ReadSection<T>(string path, Func<IndexReader, T[]> read)
    {
        using var handle = File.OpenHandle(path);
        var reader = new IndexReader(handle, 0, RandomAccess.GetLength(handle));
        var items = read(reader);
        reader.Position.ShouldBe(reader.End);
        return items;
    }

    /// <summary>The section checksum (the last 8 bytes) made to match whatever the section now holds.</summary>
    private static void RewriteChecksum(byte[] section)
    {
        var checksum = new IndexChecksum();
        checksum.Append(section.AsSpan(0, section.Length - 8));
        BinaryPrimitives.WriteUInt64LittleEndian(section.AsSpan(section.Length - 8), checksum.Finish());
    }
}
