using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Tests;

/// <summary>Opening a snapshot: the engine's failures as error kinds, and the analysis index round trip.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class SnapshotOpenerTests(SnapshotFixtures fixtures)
{
    [Fact]
    public void Read_MissingFile_IsNotFoundNamingIt()
    {
        using var dir = new TempDirectory();
        string path = dir.File("gone.heapsnapshot");
        var e = Should.Throw<HeapdogException>(() => SnapshotOpener.Read(path, WorkProgress.Quiet, CancellationToken.None));
        e.Kind.ShouldBe(ErrorKind.NotFound);
        e.Message.ShouldBe($"'{path}' does not exist");
    }

    [Fact]
    public void Read_Directory_IsNotFound()
    {
        using var dir = new TempDirectory();
        Should.Throw<HeapdogException>(() => SnapshotOpener.Read(dir.Path, WorkProgress.Quiet, CancellationToken.None))
            .Kind.ShouldBe(ErrorKind.NotFound);
    }

    [Fact]
    public void Read_Truncated_IsMalformedWithTheByteOffsetUnderTheGivenName()
    {
        using var dir = new TempDirectory();
        byte[] whole = File.ReadAllBytes(fixtures.Get("small.js"));
        string path = dir.File("cut.heapsnapshot");
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);
        var e = Should.Throw<HeapdogException>(() => SnapshotOpener.Read(path, WorkProgress.Quiet, CancellationToken.None, name: "upload 7"));
        e.Kind.ShouldBe(ErrorKind.Malformed);
        e.Message.ShouldStartWith("'upload 7': ");
        e.Message.ShouldMatch("byte [0-9,]+");
    }

    [Fact]
    public void TryReopen_AfterTryWriteIndex_GivesTheSameAnalysis_AndNullWithoutIndex()
    {
        using var dir = new TempDirectory();
        string path = dir.File("copy.heapsnapshot");
        File.Copy(fixtures.Get("small.js"), path);
        SnapshotOpener.TryReopen(path).ShouldBeNull();
        var analysis = SnapshotOpener.Open(path, WorkProgress.Quiet, CancellationToken.None);
        SnapshotOpener.TryWriteIndex(path, analysis).ShouldBeTrue();
        var reopened = SnapshotOpener.TryReopen(path).ShouldNotBeNull();
        reopened.Snapshot.NodeCount.ShouldBe(analysis.Snapshot.NodeCount);
        reopened.TotalSize.ShouldBe(analysis.TotalSize);
        reopened.RetainedSizes.ShouldBe(analysis.RetainedSizes);
    }

    [Theory]
    [InlineData("@12", 12u)]
    [InlineData("12", 12u)]
    public void ObjectIdParse_Forms_GiveTheId(string text, uint id) => ObjectId.Parse(text).ShouldBe(id);

    [Theory]
    [InlineData("x")]
    [InlineData("@")]
    [InlineData("-1")]
    public void ObjectIdParse_NotAnId_IsBadRequest(string text) =>
        Should.Throw<HeapdogException>(() => ObjectId.Parse(text)).Kind.ShouldBe(ErrorKind.BadRequest);

    [Fact]
    public void ObjectIdResolve_UnknownId_IsNoSuchObject()
    {
        var analysis = SnapshotOpener.Open(fixtures.Get("small.js"), WorkProgress.Quiet, CancellationToken.None);
        var e = Should.Throw<HeapdogException>(() => ObjectId.Resolve(analysis, "@4294967295", "s.heapsnapshot"));
        e.Kind.ShouldBe(ErrorKind.NoSuchObject);
        e.Message.ShouldBe("'s.heapsnapshot' has no object @4294967295");
    }
}
