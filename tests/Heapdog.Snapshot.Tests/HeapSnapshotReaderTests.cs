using System.Security.Cryptography;
using System.Text;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

[Collection(SnapshotCollection.Name)]
public sealed class HeapSnapshotReaderTests(SnapshotFixtures fixtures)
{
    // Every kind of string escape, a lone surrogate, unknown node type names, an unknown top-level section
    // (before and after the arrays) and a location.
    internal static readonly string Sample = new SnapshotBuilder() is var b
        && b.AddNode("synthetic", "(GC roots)", 0) is var gcRoots
        && b.AddNode("object", "Obj \"quoted\" \\ \n\t\u00e9 \u6f22 \ud83d\ude00", 32) is var obj
        && b.AddNode("string", "lone \ud800 surrogate", 24) is var str
        && b.AddNode("hidden", "system / Context", 16) is var ctx
        && b.AddEdge(0, "element", "1", gcRoots).AddEdge(0, "shortcut", "global", obj)
            .AddEdge(obj, "property", "name", str).AddEdge(obj, "internal", "context", ctx).AddEdge(obj, "weak", "w", ctx) is not null
        ? b.Build().Replace("\"trace_tree\":[]", "\"trace_tree\":[1,[2,[3]]],\"future_section\":{\"a\":[1,{\"b\":\"]}\"}]}")
            .Replace("\"locations\":[]", $"\"locations\":[{obj * 7},4,10,2]")
        : throw new InvalidOperationException();

    internal static string Fingerprint(HeapSnapshot s)
    {
        var sb = new StringBuilder();
        sb.Append(s.NodeCount).Append('/').Append(s.EdgeCount).Append('/');
        sb.AppendJoin(',', s.NodeTypes).Append('|').AppendJoin(',', s.NodeNames).Append('|').AppendJoin(',', s.NodeIds).Append('|')
          .AppendJoin(',', s.SelfSizes).Append('|').AppendJoin(',', s.FirstEdge).Append('|').AppendJoin(',', s.EdgeTypes).Append('|')
          .AppendJoin(',', s.EdgeNames).Append('|').AppendJoin(',', s.EdgeTargets).Append('|');
        for (int i = 0; i < s.Strings.Count; i++) sb.Append(Convert.ToHexString(s.Strings.Utf8(i))).Append(',');
        sb.Append(s.Locations.Count);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    [Fact]
    public void Read_SplitAtEveryByte_GivesIdenticalResult()
    {
        byte[] data = Encoding.UTF8.GetBytes(Sample);
        string expected = Fingerprint(HeapSnapshotReader.Read(new MemoryStream(data)));
        for (int split = 1; split < data.Length; split++)
            Fingerprint(HeapSnapshotReader.Read(new ChunkedStream(data, int.MaxValue, split), bufferSize: 256)).ShouldBe(expected, $"split at {split}");
    }

    [Fact]
    public void Read_NumbersOfEveryLengthAndSeparator_ParsedExactly()
    {
        // Ids and sizes of 1 to 10 digits (up to uint.MaxValue) behind every separator the format allows, so the
        // eight-byte fast path and the general path each meet every length at every alignment and hand over cleanly.
        var random = new Random(17);
        var builder = new SnapshotBuilder();
        var ids = new List<uint> { 1 };
        var sizes = new List<uint> { 0 };
        for (int i = 0; i < 4000; i++)
        {
            uint id = RandomOfDigits(random, 1 + i % 10), size = RandomOfDigits(random, 1 + (i / 10) % 10);
            builder.AddEdge(0, "element", i.ToString(System.Globalization.CultureInfo.InvariantCulture), builder.AddNode("object", "o", size, id));
            ids.Add(id);
            sizes.Add(size);
        }
        string json = builder.Build();
        int open = json.IndexOf("\"nodes\":[", StringComparison.Ordinal) + 9, close = json.IndexOf(']', open);
        string[] separators = [",", "\n,", ",\n", " , ", "\r\n,\t", ",  "];
        var nodes = new StringBuilder();
        foreach (char c in json.AsSpan(open, close - open))
        {
            if (c == ',') nodes.Append(separators[random.Next(separators.Length)]);
            else if (c != '\n') nodes.Append(c);
        }
        json = json[..open] + nodes + json[close..];

        var s = SnapshotBuilder.Read(json);
        s.NodeIds.ShouldBe(ids.ToArray());
        s.SelfSizes.ShouldBe(sizes.ToArray());
        s.EdgeNames.ShouldBe(Enumerable.Range(0, 4000).ToArray());
    }

    private static uint RandomOfDigits(Random random, int digits) =>
        digits == 10 ? (uint)random.NextInt64(1_000_000_000, (long)uint.MaxValue + 1)
        : (uint)random.NextInt64(digits == 1 ? 0 : (long)Math.Pow(10, digits - 1), (long)Math.Pow(10, digits));

    [Theory]
    [InlineData(1 << 18)]
    [InlineData((1 << 19) + 7)]
    [InlineData(3 << 19)]
    public void Read_LargeArraysSplitAcrossCoresAndReads_GiveIdenticalResult(int bufferSize)
    {
        // Regions this large are tokenised in two halves on two threads; the reads end inside a number, on a comma
        // and at the last element of each array, so the seams between halves and between reads land everywhere.
        var builder = new SnapshotBuilder();
        var random = new Random(5);
        for (int i = 1; i < 30_000; i++)
        {
            builder.AddNode(i % 3 == 0 ? "string" : "object", "n" + (i % 97), (uint)random.Next(16, 100_000));
            builder.AddEdge(random.Next(i), "property", "p" + (i % 13), i).AddEdge(random.Next(i), "element", (i % 50).ToString(System.Globalization.CultureInfo.InvariantCulture), i);
        }
        byte[] data = Encoding.UTF8.GetBytes(builder.Build());
        string text = Encoding.UTF8.GetString(data);
        string expected = Fingerprint(HeapSnapshotReader.Read(new MemoryStream(data), bufferSize: 256));
        int nodes = text.IndexOf("\"nodes\":[", StringComparison.Ordinal), edges = text.IndexOf("\"edges\":[", StringComparison.Ordinal);
        int[] splits =
        [
            nodes + 300_001 - (char.IsAsciiDigit(text[nodes + 300_001]) ? 0 : 1),
            text.IndexOf(',', nodes + 200_000),
            text.IndexOf(']', nodes) - 1,
            text.IndexOf(',', edges + 150_000) + 2,
            text.IndexOf(']', edges) - 1,
        ];
        foreach (int split in splits)
            Fingerprint(HeapSnapshotReader.Read(new ChunkedStream(data, int.MaxValue, split), bufferSize: bufferSize)).ShouldBe(expected, $"split at {split}");
        Fingerprint(HeapSnapshotReader.Read(new ChunkedStream(data, 65_537), bufferSize: bufferSize)).ShouldBe(expected);
    }

    [Fact]
    public void Read_OneByteChunks_GivesIdenticalResult()
    {
        byte[] data = Encoding.UTF8.GetBytes(Sample);
        string expected = Fingerprint(HeapSnapshotReader.Read(new MemoryStream(data)));
        Fingerprint(HeapSnapshotReader.Read(new ChunkedStream(data, 1), bufferSize: 256)).ShouldBe(expected);
    }

    [Fact]
    public void Read_RealSnapshotInOddChunks_GivesIdenticalResult()
    {
        byte[] data = File.ReadAllBytes(fixtures.Get("small.js"));
        string expected = Fingerprint(HeapSnapshotReader.Read(new MemoryStream(data)));
        Fingerprint(HeapSnapshotReader.Read(new ChunkedStream(data, 4093), bufferSize: 777)).ShouldBe(expected);
        Fingerprint(HeapSnapshotReader.Read(new ChunkedStream(data, 1 << 20), bufferSize: 1 << 16)).ShouldBe(expected);
    }

    [Fact]
    public void Read_FileBelowTheMapThreshold_CopiesEveryString()
    {
        string path = Path.Combine(Path.GetTempPath(), $"heapdog-reader-{Guid.NewGuid():N}.heapsnapshot");
        File.WriteAllText(path, Sample, new UTF8Encoding(false));
        try
        {
            var snapshot = HeapSnapshotReader.Read(path);
            snapshot.Strings.Count.ShouldBeGreaterThan(0);
            Enumerable.Range(0, snapshot.Strings.Count).ShouldAllBe(i => !snapshot.Strings.IsInFile(i));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_FromFile_UnescapedStringsPointIntoTheFileAndEqualTheStreamRead()
    {
        // Besides the sample's escapes: raw UTF-8 (a non-BMP character too), an empty string, an escape at the very
        // end and alone, and a string longer than the read buffer.
        string json = Sample[..^2] + ",\n\"raw \u00e9 \u6f22 \ud83d\ude00\",\n\"\",\n\"tail\\\"\",\n\"\\n\",\n\"" + new string('x', 300_000) + "\"]}";
        string path = Path.Combine(Path.GetTempPath(), $"heapdog-reader-{Guid.NewGuid():N}.heapsnapshot");
        File.WriteAllText(path, json, new UTF8Encoding(false));
        long threshold = HeapSnapshotReader.MapStringsFromBytes;
        HeapSnapshotReader.MapStringsFromBytes = 0; // maps from 1 GiB; any reader test running meanwhile only maps too
        try
        {
            var mapped = HeapSnapshotReader.Read(path);
            var streamed = HeapSnapshotReader.Read(new ChunkedStream(File.ReadAllBytes(path), 4093), bufferSize: 1 << 16);
            Fingerprint(mapped).ShouldBe(Fingerprint(streamed));
            mapped.Strings.Count.ShouldBe(streamed.Strings.Count);
            int inFile = 0;
            for (int i = 0; i < mapped.Strings.Count; i++)
            {
                mapped.Strings.Utf8(i).SequenceEqual(streamed.Strings.Utf8(i)).ShouldBeTrue($"string {i}");
                mapped.Strings[i].ShouldBe(streamed.Strings[i]);
                streamed.Strings.IsInFile(i).ShouldBeFalse();
                if (mapped.Strings.IsInFile(i)) inFile++;
            }
            int n = mapped.Strings.Count;
            mapped.Strings[n - 5].ShouldBe("raw \u00e9 \u6f22 \ud83d\ude00");
            mapped.Strings.IsInFile(n - 5).ShouldBeTrue();
            mapped.Strings.IsInFile(n - 4).ShouldBeTrue();
            mapped.Strings[n - 3].ShouldBe("tail\"");
            mapped.Strings.IsInFile(n - 3).ShouldBeFalse();
            mapped.Strings[n - 2].ShouldBe("\n");
            mapped.Strings.Utf8(n - 1).Length.ShouldBe(300_000);
            mapped.Strings.IsInFile(n - 1).ShouldBeTrue();
            // The sample's escaped strings are copies; the plain ones ("(GC roots)", "global", ...) are in the file.
            inFile.ShouldBeGreaterThan(mapped.Strings.Count / 2);
            inFile.ShouldBeLessThan(mapped.Strings.Count);
            // Strings the analysis adds go after them, in memory.
            int added = mapped.Strings.Add("(system) \ud800");
            mapped.Strings[added].ShouldBe("(system) \ud800");
            mapped.Strings[n - 1].Length.ShouldBe(300_000);
        }
        finally
        {
            HeapSnapshotReader.MapStringsFromBytes = threshold;
            File.Delete(path);
        }
    }

    [Fact]
    public void Read_Strings_DecodedLikeJavaScriptIncludingLoneSurrogates()
    {
        var s = SnapshotBuilder.Read(Sample);
        s.NodeName(2).ShouldBe("Obj \"quoted\" \\ \n\t\u00e9 \u6f22 \ud83d\ude00");
        s.NodeName(3).ShouldBe("lone \ud800 surrogate");
        s.NodeName(3).Length.ShouldBe(16);
        char.IsHighSurrogate(s.NodeName(3)[5]).ShouldBeTrue();
    }

    [Fact]
    public void Read_UnknownSectionsAndLocations_SkippedOrKept()
    {
        var s = SnapshotBuilder.Read(Sample);
        s.NodeCount.ShouldBe(5);
        s.EdgeCount.ShouldBe(5);
        s.Locations.TryGet(2, out var location).ShouldBeTrue();
        location.ShouldBe(new SourceLocation(4, 10, 2));
        s.EdgeTargets.ShouldBe([1, 2, 3, 4, 4]);
    }

    [Fact]
    public void Read_UnknownNodeTypeNamesAndExtraFields_Tolerated()
    {
        var builder = new SnapshotBuilder { ExtraNodeField = true };
        int obj = builder.AddNode("object", "Thing", 40);
        builder.AddEdge(0, "shortcut", "global", obj);
        string json = builder.Build().Replace("\"node_types\":[[\"hidden\"", "\"node_types\":[[\"brand new type\"");
        var s = SnapshotBuilder.Read(json);
        s.Meta.NodeTypes[0].ShouldBe("brand new type");
        s.Meta.NodeFieldCount.ShouldBe(8);
        s.SelfSizes[obj].ShouldBe(40u);
        s.EdgeTargets[0].ShouldBe(obj);
    }

    public static TheoryData<string, string, string> Malformed => new()
    {
        { "empty", "", "the file is empty" },
        { "array", "[1,2,3]", "not a heap snapshot: expected '{' at the start, found '['" },
        { "no header", "{\"nodes\":[]}", "'nodes' comes before the 'snapshot' header" },
        { "not json", "{\"snapshot\" 1}", "expected ':' after the key \"snapshot\"" },
        { "negative", "<nodes>-1", "expected a number, found '-' in 'nodes' at element 0" },
        { "float", "<nodes>9.5", "expected a non-negative integer in 'nodes' at element 0" },
        { "letters", "<nodes>x", "expected a number, found 'x' in 'nodes' at element 0" },
        { "double comma", "<nodes>9,,", "expected a number, found ',' in 'nodes' at element 1" },
        { "missing comma", "<nodes>9 1", "expected ',' or ']', found '1' in 'nodes' at element 1" },
        { "huge", "<nodes>99999999999", "number out of range (more than 32 bits) in 'nodes' at element 0" },
        { "to_node", "<edges>1,1,3", "to_node 3 is not the offset of a node" },
        { "node type", "<nodes>99,1,1,0,0,0,0", "node 0 has type 99, not one of the 15 in meta.node_types in 'nodes' at element 0" },
        { "node type 15", "<nodes>15,1,1,0,0,0,0", "node 0 has type 15, not one of the 15 in meta.node_types in 'nodes' at element 0" },
        { "node type past byte", "<nodes>300,1,1,0,0,0,0", "node 0 has type 300, not one of the 15 in meta.node_types" },
        { "edge type", "<edges>99,1,0", "edge 0 has type 99, not one of the 7 in meta.edge_types in 'edges' at element 0" },
        { "edge type 7", "<edges>7,1,0", "edge 0 has type 7, not one of the 7 in meta.edge_types in 'edges' at element 0" },
        { "too many nodes", "<nodes>9,1,1,0,0,0,0", "more elements than the header's node_count (5 nodes × 7 fields) in 'nodes' at element 35" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Read_Malformed_ThrowsFormatExceptionSayingWhatAndWhere(string name, string mutation, string expected)
    {
        string json = mutation.StartsWith('<') ? Mutate(Sample, mutation) : mutation;
        var ex = Should.Throw<SnapshotFormatException>(() => SnapshotBuilder.Read(json), name);
        ex.Message.ShouldContain(expected, Case.Sensitive, name);
        if (json.Length > 0) ex.ByteOffset.ShouldBeInRange(0, json.Length, name);
    }

    internal static string Mutate(string json, string mutation)
    {
        int close = mutation.IndexOf('>');
        string section = mutation[1..close], values = mutation[(close + 1)..];
        int start = json.IndexOf($"\"{section}\":[", StringComparison.Ordinal) + section.Length + 4;
        return json[..start] + values + "," + json[start..];
    }

    [Fact]
    public void Read_TypeOutsideMetaInLaterRecord_NamesTheNodeOrEdgeAndOffset()
    {
        // The bad record is the third node / the fourth edge, past the fast path's first whole records.
        var builder = new SnapshotBuilder();
        int a = builder.AddNode("object", "A", 8), b2 = builder.AddNode("object", "B", 8);
        builder.AddEdge(0, "shortcut", "a", a).AddEdge(0, "shortcut", "b", b2).AddEdge(a, "property", "x", b2).AddEdge(b2, "property", "y", a);
        string good = builder.Build();
        int nodes = good.IndexOf("\"nodes\":[", StringComparison.Ordinal) + 9;
        // Node 2 is "3,…": its type becomes 42.
        int third = good.IndexOf('\n', good.IndexOf('\n', nodes) + 1) + 1;
        string badNode = good[..third] + "42" + good[(third + 1)..];
        var ex = Should.Throw<SnapshotFormatException>(() => SnapshotBuilder.Read(badNode));
        ex.Message.ShouldContain("node 2 has type 42, not one of the 15 in meta.node_types in 'nodes' at element 14");
        ex.ByteOffset.ShouldBeInRange(nodes - 1, third + 2);

        int edges = good.IndexOf("\"edges\":[", StringComparison.Ordinal) + 9;
        int fourth = edges;
        for (int i = 0; i < 3; i++) fourth = good.IndexOf('\n', fourth) + 2;
        string badEdge = good[..fourth] + "9" + good[(fourth + 1)..];
        ex = Should.Throw<SnapshotFormatException>(() => SnapshotBuilder.Read(badEdge));
        ex.Message.ShouldContain("edge 3 has type 9, not one of the 7 in meta.edge_types in 'edges' at element 9");
    }

    [Fact]
    public void Read_RealSnapshotWithShortenedTypeList_RefusedNotUnknown()
    {
        // A real snapshot whose meta lists fewer node types than its nodes use is corrupted: refused, not read as
        // objects of type "unknown".
        string text = File.ReadAllText(fixtures.Get("small.js"));
        int list = text.IndexOf("\"node_types\":[[", StringComparison.Ordinal) + 15;
        int firstComma = text.IndexOf(',', list);
        string shortened = text[..firstComma] + text[text.IndexOf(']', list)..];
        var ex = Should.Throw<SnapshotFormatException>(() => SnapshotBuilder.Read(shortened));
        ex.Message.ShouldContain("not one of the 1 in meta.node_types in 'nodes' at element");
    }

    [Theory]
    [InlineData(new[] { 1_048_575, 1_048_600, 1_099_999 }, 1_048_575)]
    [InlineData(new[] { 1_099_999, 1_048_600 }, 1_048_600)]
    public void Read_StringIndexOutOfRangeInSeveralRanges_LowestNodeReported(int[] badNodes, int reported)
    {
        // Over a million nodes, so the indexes are checked in more than one range in parallel: the first bad node
        // in file order is named, whichever range finishes first.
        string json = new SnapshotBuilder().Build();
        int start = json.IndexOf("\"nodes\":[", StringComparison.Ordinal) + 9, end = json.IndexOf(']', start);
        string root = json[start..end];
        const int count = 1_100_000;
        var nodes = new StringBuilder(root);
        for (int i = 1; i < count; i++)
            nodes.Append(",\n").Append(root[..root.IndexOf(',')]).Append(',').Append(badNodes.Contains(i) ? 99 : 0).Append(",3,0,0,0,0");
        json = json[..start].Replace("\"node_count\":1,", $"\"node_count\":{count},") + nodes + json[end..];
        var ex = Should.Throw<SnapshotFormatException>(() => SnapshotBuilder.Read(json));
        ex.Message.ShouldStartWith($"node {reported:N0} names string 99, but there are only");
    }

    [Fact]
    public void Read_HeaderDeclaringMoreThanTheFileHolds_RefusedBeforeAllocating()
    {
        string json = Sample.Replace("\"node_count\":5", "\"node_count\":900000000");
        var ex = Should.Throw<SnapshotFormatException>(() => HeapSnapshotReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        ex.Message.ShouldContain("more than a");
    }

    [Fact]
    public void Read_MissingRequiredField_ReportedAsUnsupported()
    {
        string json = Sample.Replace("\"self_size\",", "\"self_sizes\",");
        var ex = Should.Throw<SnapshotFormatException>(() => SnapshotBuilder.Read(json));
        ex.IsUnsupported.ShouldBeTrue();
        ex.Message.ShouldContain("meta.node_fields has no 'self_size'");
    }

    [Fact]
    public void Read_TruncatedRealSnapshotAtManyOffsets_OnlyEverFormatException()
    {
        byte[] data = File.ReadAllBytes(fixtures.Get("small.js"));
        var rng = new Random(7);
        var offsets = Enumerable.Range(0, 300).Select(_ => rng.Next(data.Length)).Concat([0, 1, 10, data.Length - 1, data.Length - 2]);
        foreach (int length in offsets)
        {
            var ex = Should.Throw<SnapshotFormatException>(() => HeapSnapshotReader.Read(new MemoryStream(data, 0, length)), $"truncated to {length}");
            ex.ByteOffset.ShouldBeLessThanOrEqualTo(length, $"truncated to {length}");
        }
    }

    [Fact]
    public void Read_CorruptedRealSnapshotAtManyOffsets_FormatExceptionOrAValidSnapshot()
    {
        byte[] original = File.ReadAllBytes(fixtures.Get("small.js"));
        var rng = new Random(11);
        byte[] garbage = "x]}\",-9{[ \0\u00ff"u8.ToArray();
        for (int i = 0; i < 300; i++)
        {
            byte[] data = (byte[])original.Clone();
            int at = rng.Next(data.Length);
            data[at] = garbage[rng.Next(garbage.Length)];
            try
            {
                // A corruption can still be a well-formed snapshot (a digit changed); anything else must be the one error.
                HeapSnapshotReader.Read(new MemoryStream(data));
            }
            catch (SnapshotFormatException)
            {
            }
        }
    }
}
