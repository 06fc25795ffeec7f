using System.Text;
using Heapdog.Snapshot.Reading;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

/// <summary>
/// The node and edge arrays of a file read in slices on every core, and its strings parsed ahead from the end, must
/// give exactly what the serial stream reader gives: the same arrays and strings, or the same error at the same byte offset. Small block sizes put the seams between slices
/// everywhere (inside a number, on a comma, between records, at the last element).
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed class ParallelNumberReaderTests(SnapshotFixtures fixtures) : IDisposable
{
    private readonly long _parallelFrom = HeapSnapshotReader.ParallelFromBytes;
    private readonly int _blockSize = ParallelNumberReader.BlockSize;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"heapdog-parallel-{Guid.NewGuid():N}.heapsnapshot");

    public void Dispose()
    {
        HeapSnapshotReader.ParallelFromBytes = _parallelFrom;
        ParallelNumberReader.BlockSize = _blockSize;
        File.Delete(_path);
    }

    /// <summary>The fingerprint of the snapshot read from a file in slices of <paramref name="blockSize"/>, or its error and offset.</summary>
    private string ReadFile(byte[] data, int blockSize)
    {
        File.WriteAllBytes(_path, data);
        HeapSnapshotReader.ParallelFromBytes = 0;
        ParallelNumberReader.BlockSize = blockSize;
        long before = Interlocked.Read(ref ParallelNumberReader.SectionsRead), stringsBefore = Interlocked.Read(ref StringsAhead.Taken);
        string outcome = Outcome(() => HeapSnapshotReader.Read(_path));
        // A snapshot read whole had both arrays read in slices and its strings parsed ahead, not left to the serial reader.
        if (!outcome.StartsWith("error", StringComparison.Ordinal))
        {
            (Interlocked.Read(ref ParallelNumberReader.SectionsRead) - before).ShouldBeGreaterThanOrEqualTo(2, $"block size {blockSize}");
            (Interlocked.Read(ref StringsAhead.Taken) - stringsBefore).ShouldBeGreaterThanOrEqualTo(1, $"block size {blockSize}");
        }
        return outcome;
    }

    /// <summary>The same from the serial reader over a stream.</summary>
    private static string ReadStream(byte[] data) => Outcome(() => HeapSnapshotReader.Read(new MemoryStream(data)));

    private static string Outcome(Func<HeapSnapshot> read)
    {
        try
        {
            var s = read();
            return HeapSnapshotReaderTests.Fingerprint(s) + "|" + string.Join(',', s.TraceNodeIds ?? []) + "|" + string.Join(',', s.Detachedness ?? []);
        }
        catch (SnapshotFormatException ex)
        {
            return $"error at {ex.ByteOffset}: {ex.Message}";
        }
    }

    [Fact]
    public void Read_SeamAtEveryByte_GivesTheSerialArrays()
    {
        byte[] data = Encoding.UTF8.GetBytes(HeapSnapshotReaderTests.Sample);
        string expected = ReadStream(data);
        expected.ShouldNotStartWith("error");
        // Block sizes 1 .. the whole file: every byte of both arrays starts a block somewhere.
        for (int blockSize = 1; blockSize <= data.Length; blockSize++)
            ReadFile(data, blockSize).ShouldBe(expected, $"block size {blockSize}");
    }

    [Fact]
    public void Read_ManySlicesWithTraceIdsAndLongNumbers_GivesTheSerialArrays()
    {
        // Thousands of slices; trace node ids make the optional array from whichever slice meets one first.
        var builder = new SnapshotBuilder();
        var random = new Random(3);
        for (int i = 1; i < 20_000; i++)
        {
            builder.AddNode(i % 3 == 0 ? "string" : "object", "n" + (i % 89), (uint)random.NextInt64(0, uint.MaxValue), (uint)random.NextInt64(1, uint.MaxValue));
            builder.AddEdge(random.Next(i), "property", "p" + (i % 11), i).AddEdge(random.Next(i), "element", (i % 40).ToString(System.Globalization.CultureInfo.InvariantCulture), i);
            if (i % 1_000 == 7) builder.TraceNodeOf[i] = i;
        }
        byte[] data = Encoding.UTF8.GetBytes(builder.Build());
        string expected = ReadStream(data);
        expected.ShouldNotStartWith("error");
        foreach (int blockSize in new[] { 13, 64, 4_095, 4_096, 4_097, 65_537, 1 << 20 })
            ReadFile(data, blockSize).ShouldBe(expected, $"block size {blockSize}");
    }

    [Fact]
    public void Read_RealSnapshotInSlices_GivesTheSerialArrays()
    {
        byte[] data = File.ReadAllBytes(fixtures.Get("small.js"));
        string expected = ReadStream(data);
        expected.ShouldNotStartWith("error");
        foreach (int blockSize in new[] { 777, 4_096, 1 << 16, 1 << 20 })
            ReadFile(data, blockSize).ShouldBe(expected, $"block size {blockSize}");
    }

    [Theory]
    [MemberData(nameof(HeapSnapshotReaderTests.Malformed), MemberType = typeof(HeapSnapshotReaderTests))]
    public void Read_Malformed_SameErrorAndOffsetAsTheSerialReader(string name, string mutation, string expected)
    {
        byte[] data = Encoding.UTF8.GetBytes(mutation.StartsWith('<') ? HeapSnapshotReaderTests.Mutate(HeapSnapshotReaderTests.Sample, mutation) : mutation);
        string serial = ReadStream(data);
        serial.ShouldContain(expected, Case.Sensitive, name);
        foreach (int blockSize in new[] { 1, 2, 3, 5, 8, 64 })
            ReadFile(data, blockSize).ShouldBe(serial, $"{name}, block size {blockSize}");
    }

    [Fact]
    public void Read_ErrorsInEarlierAndLaterSlices_TheEarliestInFileOrderReported()
    {
        byte[] data = File.ReadAllBytes(fixtures.Get("small.js"));
        string text = Encoding.Latin1.GetString(data);
        int nodes = text.IndexOf("\"nodes\":[", StringComparison.Ordinal), edges = text.IndexOf("\"edges\":[", StringComparison.Ordinal);
        // A letter late in the edges, then also one early in the nodes: each read reports the first in the file.
        int late = text.IndexOf(',', edges + (text.IndexOf(']', edges) - edges) * 9 / 10) + 1;
        int early = text.IndexOf(',', nodes + 5_000) + 1;
        byte[] lateOnly = (byte[])data.Clone();
        lateOnly[late] = (byte)'x';
        byte[] both = (byte[])lateOnly.Clone();
        both[early] = (byte)'x';
        foreach (var corrupted in new[] { lateOnly, both })
        {
            string serial = ReadStream(corrupted);
            serial.ShouldStartWith("error");
            ReadFile(corrupted, 4_096).ShouldBe(serial);
        }
        ReadStream(both).ShouldContain("in 'nodes'");
    }

    [Fact]
    public void Read_CorruptedRealSnapshotAtManyOffsets_SameOutcomeAsTheSerialReader()
    {
        byte[] original = File.ReadAllBytes(fixtures.Get("small.js"));
        var random = new Random(23);
        byte[] garbage = "x]}\",-9{[ \0\u00ff\n"u8.ToArray();
        for (int i = 0; i < 150; i++)
        {
            byte[] data = (byte[])original.Clone();
            int at = random.Next(data.Length);
            data[at] = garbage[random.Next(garbage.Length)];
            ReadFile(data, 2_048).ShouldBe(ReadStream(data), $"byte {at} set to 0x{data[at]:X2}");
        }
    }

    [Fact]
    public void Read_EdgeCountsNotAddingUp_SameErrorAsTheSerialReader()
    {
        // Every slice reads cleanly; only the edge counts' sum, checked after all slices, gives the attempt up. The
        // serial reader must then start at the array's '[' again.
        byte[] data = File.ReadAllBytes(fixtures.Get("small.js"));
        string text = Encoding.Latin1.GetString(data);
        int at = text.IndexOf("\"nodes\":[", StringComparison.Ordinal) + "\"nodes\":[".Length;
        for (int comma = 0; comma < 4; comma++) at = text.IndexOf(',', at) + 1; // the root's edge_count
        while (data[at] is (byte)' ' or (byte)'\n') at++;
        data[at] = data[at] == (byte)'9' ? (byte)'8' : (byte)'9';

        string serial = ReadStream(data);

        serial.ShouldContain("edge count");
        ReadFile(data, 2_048).ShouldBe(serial);
    }

    [Fact]
    public void Read_TruncatedRealSnapshot_SameErrorAsTheSerialReader()
    {
        byte[] data = File.ReadAllBytes(fixtures.Get("small.js"));
        string text = Encoding.Latin1.GetString(data);
        int edges = text.IndexOf("\"edges\":[", StringComparison.Ordinal);
        foreach (int length in new[] { edges / 2, edges + 9, edges + 1_000, text.IndexOf(']', edges), text.IndexOf(']', edges) + 1 })
        {
            byte[] cut = data[..length];
            ReadFile(cut, 1_024).ShouldBe(ReadStream(cut), $"truncated to {length}");
        }
    }
}
