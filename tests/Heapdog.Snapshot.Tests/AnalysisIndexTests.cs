using System.Buffers.Binary;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Caching;
using Heapdog.Snapshot.Comparison;
using Heapdog.Snapshot.Paths;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

/// <summary>
/// <see cref="AnalysisIndex"/> on real snapshots: a loaded index answers exactly as the fresh analysis it was written
/// from, and an index that is stale, foreign, truncated, damaged or not an index at all is refused.
/// Each test works on its own copy of a fixture snapshot in its own directory, removed afterwards.
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed class AnalysisIndexTests(SnapshotFixtures fixtures) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("heapdog-index-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("features.js")]
    [InlineData("small.js")]
    public void TryLoad_AfterWrite_EverySnapshotArrayAndStringEqualsTheFreshOnes(string program)
    {
        var (snapshotPath, fresh) = Analysed(program);
        var loaded = WriteAndLoad(snapshotPath, fresh).Snapshot;
        var s = fresh.Snapshot;

        loaded.NodeCount.ShouldBe(s.NodeCount);
        loaded.EdgeCount.ShouldBe(s.EdgeCount);
        loaded.RootOrdinal.ShouldBe(s.RootOrdinal);
        loaded.FileSize.ShouldBe(new FileInfo(snapshotPath).Length);
        loaded.ShallowSizesTransferred.ShouldBeTrue();
        SameArray(loaded.NodeTypes, s.NodeTypes, "node types");
        SameArray(loaded.NodeNames, s.NodeNames, "node names");
        SameArray(loaded.NodeIds, s.NodeIds, "node ids");
        SameArray(loaded.SelfSizes, s.SelfSizes, "shallow sizes");
        SameArray(loaded.FirstEdge, s.FirstEdge, "first edges");
        SameArray(loaded.EdgeTypes, s.EdgeTypes, "edge types");
        SameArray(loaded.EdgeNames, s.EdgeNames, "edge names");
        SameArray(loaded.EdgeTargets, s.EdgeTargets, "edge targets");
        (loaded.TraceNodeIds is null).ShouldBe(s.TraceNodeIds is null);
        (loaded.Detachedness is null).ShouldBe(s.Detachedness is null);
        if (s.Detachedness is not null) SameArray(loaded.Detachedness!, s.Detachedness, "detachedness");
        loaded.Meta.NodeFields.ShouldBe(s.Meta.NodeFields);
        loaded.Meta.NodeTypes.ShouldBe(s.Meta.NodeTypes);
        loaded.Meta.EdgeFields.ShouldBe(s.Meta.EdgeFields);
        loaded.Meta.EdgeTypes.ShouldBe(s.Meta.EdgeTypes);
        loaded.Meta.LocationFields.ShouldBe(s.Meta.LocationFields);
        (loaded.Meta.DeclaredNodeCount, loaded.Meta.DeclaredEdgeCount, loaded.Meta.TraceFunctionCount, loaded.Meta.RootIndex, loaded.Meta.ExtraNativeBytes)
            .ShouldBe((s.Meta.DeclaredNodeCount, s.Meta.DeclaredEdgeCount, s.Meta.TraceFunctionCount, s.Meta.RootIndex, s.Meta.ExtraNativeBytes));

        loaded.Strings.Count.ShouldBe(s.Strings.Count);
        for (int i = 0; i < s.Strings.Count; i++)
            if (!loaded.Strings.Utf8(i).SequenceEqual(s.Strings.Utf8(i))) Assert.Fail($"string {i} differs: '{loaded.Strings[i]}' vs '{s.Strings[i]}'");
        for (int e = 0; e < s.EdgeCount; e++)
            if (loaded.EdgeName(e) != s.EdgeName(e)) Assert.Fail($"edge {e} is named '{loaded.EdgeName(e)}', fresh '{s.EdgeName(e)}'");
        // A string added after loading lands where it would in the fresh table.
        loaded.Strings.Add("added after loading").ShouldBe(s.Strings.Add("added after loading"));

        loaded.Locations.Count.ShouldBe(s.Locations.Count);
        if (program == "features.js") s.Locations.Count.ShouldBeGreaterThan(0);
        for (int v = 0; v < s.NodeCount; v++)
        {
            bool had = s.Locations.TryGet(v, out var expected);
            loaded.Locations.TryGet(v, out var actual).ShouldBe(had);
            if (had && actual != expected) Assert.Fail($"node {v} located at {actual}, fresh {expected}");
        }
    }

    [Theory]
    [InlineData("features.js")]
    [InlineData("small.js")]
    public void TryLoad_AfterWrite_EveryAnalysisResultEqualsTheFreshOne(string program)
    {
        var (snapshotPath, fresh) = Analysed(program);
        var loaded = WriteAndLoad(snapshotPath, fresh);

        SameArray(loaded.Distances, fresh.Distances, "distances");
        SameArray(loaded.Dominators, fresh.Dominators, "dominators");
        SameArray(loaded.RetainedSizes, fresh.RetainedSizes, "retained sizes");
        SameArray(loaded.ClassOf, fresh.ClassOf, "classes");
        SameArray(loaded.FirstDominated, fresh.FirstDominated, "dominator tree starts");
        SameArray(loaded.DominatedNodes, fresh.DominatedNodes, "dominator tree children");
        SameArray(loaded.Retainers.First, fresh.Retainers.First, "retainer starts");
        SameArray(loaded.Retainers.Nodes, fresh.Retainers.Nodes, "retainers");
        for (int slot = 0; slot < fresh.Snapshot.EdgeCount; slot++)
            if (loaded.Retainers.Essential.Get(slot) != fresh.Retainers.Essential.Get(slot)) Assert.Fail($"retainer slot {slot}: essential differs");
        for (int v = 0; v < fresh.Snapshot.NodeCount; v++)
        {
            if (loaded.ShallowSize(v) != fresh.ShallowSize(v)) Assert.Fail($"node {v}: shallow size {loaded.ShallowSize(v)} vs {fresh.ShallowSize(v)}");
            if (loaded.ClassOfNode(v).Name != fresh.ClassOfNode(v).Name) Assert.Fail($"node {v}: class '{loaded.ClassOfNode(v).Name}' vs '{fresh.ClassOfNode(v).Name}'");
        }
        loaded.TotalSize.ShouldBe(fresh.TotalSize);
        loaded.Statistics.ShouldBe(fresh.Statistics);
        loaded.Classes.Count.ShouldBe(fresh.Classes.Count);
        for (int c = 0; c < fresh.Classes.Count; c++)
        {
            var (a, b) = (loaded.Classes[c], fresh.Classes[c]);
            (a.Index, a.Key, a.Name, a.Location, a.Count, a.ShallowSize, a.RetainedSize, a.Distance)
                .ShouldBe((b.Index, b.Key, b.Name, b.Location, b.Count, b.ShallowSize, b.RetainedSize, b.Distance), $"summary row {c}");
        }
        if (program == "features.js") fresh.Classes.ShouldContain(c => c.Location != null);
        uint someId = fresh.Snapshot.NodeIds[fresh.Snapshot.NodeCount / 2];
        loaded.FindById(someId).ShouldBe(fresh.FindById(someId));
    }

    [Fact]
    public void TryLoad_SeriesOfOneProcess_DiffDigestsAndPathsEqualTheFreshOnes()
    {
        var series = fixtures.Series(3);
        var fresh = new SnapshotAnalysis[2];
        var loaded = new SnapshotAnalysis[2];
        for (int i = 0; i < 2; i++)
        {
            string copy = Copy(series[i * 2], $"s{i}.heapsnapshot");
            fresh[i] = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(copy));
            loaded[i] = WriteAndLoad(copy, fresh[i]);
        }
        var freshDigests = fresh.Select(a => SnapshotDigest.Create(a, "x")).ToArray();
        var loadedDigests = loaded.Select(a => SnapshotDigest.Create(a, "x")).ToArray();
        for (int i = 0; i < 2; i++)
        {
            SameArray(loadedDigests[i].Ids, freshDigests[i].Ids, "digest ids");
            SameArray(loadedDigests[i].ClassOf, freshDigests[i].ClassOf, "digest classes");
            SameArray(loadedDigests[i].ShallowSizes, freshDigests[i].ShallowSizes, "digest shallow sizes");
            SameArray(loadedDigests[i].RetainedSizes, freshDigests[i].RetainedSizes, "digest retained sizes");
            SameArray(loadedDigests[i].Signatures, freshDigests[i].Signatures, "digest signatures");
            loadedDigests[i].Classes.ShouldBe(freshDigests[i].Classes);
        }
        var diff = SnapshotDiff.Compare(loadedDigests[0], loadedDigests[1]);
        diff.ShouldBe(SnapshotDiff.Compare(freshDigests[0], freshDigests[1]));
        diff.ShouldContain(r => r.Name == "Leaky" && r.NewCount == 1000);
        Comparability.Check(loadedDigests[0], loadedDigests[1]).ShouldBe(Comparability.Check(freshDigests[0], freshDigests[1]));

        // Retainer paths to every Leaky object, the way "explain" walks them.
        var (f, l) = (fresh[1], loaded[1]);
        var freshPaths = ShortestPaths.Compute(f.Snapshot);
        var loadedPaths = ShortestPaths.Compute(l.Snapshot);
        int checkedNodes = 0;
        for (int v = 0; v < f.Snapshot.NodeCount; v++)
        {
            if (f.ClassOfNode(v).Name != "Leaky") continue;
            loadedPaths.PathTo(v).ShouldBe(freshPaths.PathTo(v));
            var a = loadedPaths.PathsThroughRetainers(v, 3, l.Retainers);
            var b = freshPaths.PathsThroughRetainers(v, 3, f.Retainers);
            a.Count.ShouldBe(b.Count);
            for (int p = 0; p < a.Count; p++) a[p].ShouldBe(b[p]);
            checkedNodes++;
        }
        checkedNodes.ShouldBeGreaterThan(1000);
    }

    [Fact]
    public void TryLoad_SnapshotTouched_IsRefusedUntilItsTimeIsBack()
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = Write(snapshotPath, fresh);
        var written = File.GetLastWriteTimeUtc(snapshotPath);

        File.SetLastWriteTimeUtc(snapshotPath, written.AddSeconds(1));
        AnalysisIndex.TryLoad(index, snapshotPath, out var analysis).ShouldBeFalse();
        analysis.ShouldBeNull();

        File.SetLastWriteTimeUtc(snapshotPath, written);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeTrue();
    }

    [Fact]
    public void TryLoad_SnapshotLengthChangedWithTheSameTime_IsRefused()
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = Write(snapshotPath, fresh);
        var written = File.GetLastWriteTimeUtc(snapshotPath);

        File.AppendAllText(snapshotPath, "\n");
        File.SetLastWriteTimeUtc(snapshotPath, written);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse();
    }

    [Theory]
    [InlineData(100)]          // the header: node field names
    [InlineData(-100)]         // the end of the string table
    public void TryLoad_SnapshotEditedInPlaceWithTheSameLengthAndTime_IsRefused(int offset)
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = Write(snapshotPath, fresh);
        var written = File.GetLastWriteTimeUtc(snapshotPath);

        var bytes = File.ReadAllBytes(snapshotPath);
        int at = offset >= 0 ? offset : bytes.Length + offset;
        bytes[at] = (byte)(bytes[at] == (byte)'x' ? 'y' : 'x');
        File.WriteAllBytes(snapshotPath, bytes);
        File.SetLastWriteTimeUtc(snapshotPath, written);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse();
    }

    [Fact]
    public void TryLoad_IndexOfAnotherSnapshot_IsRefused()
    {
        var (smallPath, small) = Analysed("small.js");
        string index = Write(smallPath, small);
        string features = Copy(fixtures.Get("features.js"), "features.heapsnapshot");
        AnalysisIndex.TryLoad(index, features, out _).ShouldBeFalse();
        AnalysisIndex.TryLoad(index, smallPath, out _).ShouldBeTrue();
    }

    [Fact]
    public void TryLoad_TruncatedAnywhere_IsRefused()
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = Write(snapshotPath, fresh);
        var whole = File.ReadAllBytes(index);
        foreach (int length in Offsets(whole.Length, 150))
        {
            File.WriteAllBytes(index, whole[..length]);
            AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse($"cut at {length} of {whole.Length}");
        }
        File.WriteAllBytes(index, whole);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeTrue();
    }

    [Fact]
    public void TryLoad_TruncatedWithTheHeaderRewrittenToMatch_IsRefusedBySections()
    {
        // A header claiming the shorter length gets past the length check: the sections must still refuse.
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = Write(snapshotPath, fresh);
        var whole = File.ReadAllBytes(index);
        foreach (int length in Offsets(whole.Length, 60).Where(l => l >= 88))
        {
            var cut = whole[..length];
            BinaryPrimitives.WriteInt64LittleEndian(cut.AsSpan(64), length);
            BinaryPrimitives.WriteUInt64LittleEndian(cut.AsSpan(80), IndexChecksum.Of(cut.AsSpan(0, 80)));
            File.WriteAllBytes(index, cut);
            AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse($"cut at {length} of {whole.Length}");
        }
        // The same header rewrite on the whole file is accepted: the rewrite itself is faithful.
        BinaryPrimitives.WriteUInt64LittleEndian(whole.AsSpan(80), IndexChecksum.Of(whole.AsSpan(0, 80)));
        File.WriteAllBytes(index, whole);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeTrue();
    }

    [Fact]
    public void TryLoad_IndexOfAnEarlierFormat_IsRefused()
    {
        // Version 1 stored the arrays as they are: its header, made consistent, must still not be read as this format.
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = Write(snapshotPath, fresh);
        var whole = File.ReadAllBytes(index);
        BinaryPrimitives.WriteInt32LittleEndian(whole.AsSpan(8), AnalysisIndex.FormatVersion - 1);
        BinaryPrimitives.WriteUInt64LittleEndian(whole.AsSpan(80), IndexChecksum.Of(whole.AsSpan(0, 80)));
        File.WriteAllBytes(index, whole);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse();
    }

    [Fact]
    public void TryLoad_OneByteDamagedAnywhere_IsRefused()
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = Write(snapshotPath, fresh);
        var whole = File.ReadAllBytes(index);
        foreach (int offset in Offsets(whole.Length, 120).Where(o => o < whole.Length))
        {
            var damaged = (byte[])whole.Clone();
            damaged[offset] ^= 0x10;
            File.WriteAllBytes(index, damaged);
            AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse($"byte {offset} of {whole.Length} damaged");
        }
    }

    [Fact]
    public void TryLoad_NotAnIndex_IsRefused()
    {
        var (snapshotPath, _) = Analysed("small.js");
        string index = AnalysisIndex.PathFor(snapshotPath);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse(); // missing

        File.WriteAllBytes(index, []);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse();

        var garbage = new byte[256 << 10];
        new Random(7).NextBytes(garbage);
        File.WriteAllBytes(index, garbage);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse();

        "HEAPDOGX"u8.CopyTo(garbage);
        File.WriteAllBytes(index, garbage);
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse();

        AnalysisIndex.TryLoad(snapshotPath, snapshotPath, out _).ShouldBeFalse(); // the snapshot itself
        AnalysisIndex.TryLoad(index, Path.Combine(_dir, "missing.heapsnapshot"), out _).ShouldBeFalse();
    }

    [Fact]
    public void TryWrite_IntoAPathThatCannotBeCreated_ReturnsFalseAndLeavesNothing()
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        // A "directory" that is a regular file: refused for any user, root included.
        string notADirectory = Path.Combine(_dir, "plain-file");
        File.WriteAllText(notADirectory, "x");
        AnalysisIndex.TryWrite(Path.Combine(notADirectory, "x.hdx"), snapshotPath, fresh).ShouldBeFalse();
        Should.Throw<IOException>(() => AnalysisIndex.Write(Path.Combine(notADirectory, "x.hdx"), snapshotPath, fresh));
        AnalysisIndex.TryWrite(Path.Combine(_dir, "no-such-dir", "x.hdx"), snapshotPath, fresh).ShouldBeFalse();

        // The target is a directory: the complete temporary file cannot be renamed over it and must be removed.
        string occupied = Path.Combine(_dir, "occupied.hdx");
        Directory.CreateDirectory(occupied);
        var before = Directory.GetFileSystemEntries(_dir).Order().ToArray();
        AnalysisIndex.TryWrite(occupied, snapshotPath, fresh).ShouldBeFalse();
        Directory.GetFileSystemEntries(_dir).Order().ToArray().ShouldBe(before);
    }

    [Fact]
    public void TryWrite_SnapshotChangedSinceItWasAnalysed_ReturnsFalse()
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        File.AppendAllText(snapshotPath, "\n");
        string index = AnalysisIndex.PathFor(snapshotPath);
        AnalysisIndex.TryWrite(index, snapshotPath, fresh).ShouldBeFalse();
        File.Exists(index).ShouldBeFalse();
    }

    [Fact]
    public void Write_OverAnOldIndex_ReplacesItAndLeavesNoTemporaryFile()
    {
        var (snapshotPath, fresh) = Analysed("small.js");
        string index = AnalysisIndex.PathFor(snapshotPath);
        File.WriteAllText(index, "an older, broken index");
        AnalysisIndex.TryLoad(index, snapshotPath, out _).ShouldBeFalse();

        AnalysisIndex.Write(index, snapshotPath, fresh);
        AnalysisIndex.TryLoad(index, snapshotPath, out var loaded).ShouldBeTrue();
        loaded!.TotalSize.ShouldBe(fresh.TotalSize);
        Directory.GetFiles(_dir).Select(Path.GetFileName).Order().ShouldBe(["small.heapsnapshot", "small.heapsnapshot.hdx"]);
        new FileInfo(index).Length.ShouldBeLessThan(new FileInfo(snapshotPath).Length);
    }

    [Fact]
    public void PathFor_AppendsTheExtension() =>
        AnalysisIndex.PathFor(Path.Combine("data", "a.heapsnapshot")).ShouldBe(Path.Combine("data", "a.heapsnapshot.hdx"));

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Write_UnderTheDefaultUmask_IndexIsOwnerOnly()
    {
        // The index holds the snapshot's whole string table: under umask 022 a plain create would leave it 0644.
        var b = new SnapshotBuilder();
        int secret = b.AddNode("string", "token=hunter2", 32);
        b.AddEdge(0, "element", "1", secret);
        string snapshotPath = Path.Combine(_dir, "tiny.heapsnapshot");
        File.WriteAllText(snapshotPath, b.Build());
        var analysis = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(snapshotPath));

        string index = Write(snapshotPath, analysis);

        File.GetUnixFileMode(index).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Directory.GetFiles(_dir).Order().ShouldBe([snapshotPath, index]);
    }

    private (string Path, SnapshotAnalysis Analysis) Analysed(string program)
    {
        string copy = Copy(fixtures.Get(program), Path.GetFileNameWithoutExtension(program) + ".heapsnapshot");
        return (copy, SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(copy)));
    }

    private string Copy(string source, string name)
    {
        string path = Path.Combine(_dir, name);
        File.Copy(source, path);
        return path;
    }

    private static string Write(string snapshotPath, SnapshotAnalysis analysis)
    {
        string index = AnalysisIndex.PathFor(snapshotPath);
        AnalysisIndex.Write(index, snapshotPath, analysis);
        return index;
    }

    private static SnapshotAnalysis WriteAndLoad(string snapshotPath, SnapshotAnalysis analysis)
    {
        AnalysisIndex.TryLoad(Write(snapshotPath, analysis), snapshotPath, out var loaded).ShouldBeTrue();
        loaded.ShouldNotBeNull().ShouldNotBeSameAs(analysis);
        loaded.Snapshot.ShouldNotBeSameAs(analysis.Snapshot);
        return loaded;
    }

    /// <summary>Every offset in the header, then <paramref name="count"/> spread over the rest (the end included).</summary>
    private static IEnumerable<int> Offsets(int length, int count)
    {
        var offsets = new SortedSet<int>(Enumerable.Range(0, 96)) { length - 1, length - 8, length - 9 };
        for (int i = 0; i < count; i++) offsets.Add(96 + (int)((long)(length - 96) * i / count));
        return offsets.Where(o => o >= 0 && o < length);
    }

    private static void SameArray<T>(T[] actual, T[] expected, string what) where T : IEquatable<T>
    {
        actual.Length.ShouldBe(expected.Length, what);
        for (int i = 0; i < expected.Length; i++)
            if (!actual[i].Equals(expected[i])) Assert.Fail($"{what}: element {i} is {actual[i]}, fresh {expected[i]}");
    }
}
