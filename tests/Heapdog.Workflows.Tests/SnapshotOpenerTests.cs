using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
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
    public async Task Read_Fifo_IsNotFoundWithoutOpeningIt()
    {
        using var dir = new TempDirectory();
        string path = Fifo.Make(dir.File("pipe.heapsnapshot"));
        // Opening the FIFO would block for ever (no writer): the read runs on its own task so a hang fails the test.
        var read = Task.Run(() => SnapshotOpener.Read(path, WorkProgress.Quiet, CancellationToken.None));
        (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(5)))).ShouldBe(read, "reading a FIFO hangs");
        var e = await Should.ThrowAsync<HeapdogException>(read);
        e.Kind.ShouldBe(ErrorKind.NotFound);
        e.Message.ShouldBe($"'{path}' is not a regular file (a FIFO)");
    }

    [Fact]
    public void Read_Socket_IsNotFoundNamingTheKind()
    {
        using var dir = new TempDirectory();
        string path = dir.File("s.heapsnapshot");
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        socket.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        var e = Should.Throw<HeapdogException>(() => SnapshotOpener.Read(path, WorkProgress.Quiet, CancellationToken.None, name: "up"));
        e.Kind.ShouldBe(ErrorKind.NotFound);
        e.Message.ShouldBe("'up' is not a regular file (a socket)");
    }

    [Fact]
    public void Read_CharacterDevice_IsNotFoundNamingTheKind()
    {
        var e = Should.Throw<HeapdogException>(() => SnapshotOpener.Read("/dev/null", WorkProgress.Quiet, CancellationToken.None));
        e.Kind.ShouldBe(ErrorKind.NotFound);
        e.Message.ShouldBe("'/dev/null' is not a regular file (a character device)");
    }

    [Fact]
    public void Describe_SymlinkToFifo_IsTheFifoAndARegularFileIsNothing()
    {
        using var dir = new TempDirectory();
        string fifo = Fifo.Make(dir.File("pipe"));
        File.CreateSymbolicLink(dir.File("link"), fifo);
        File.WriteAllText(dir.File("plain"), "{}");
        SpecialFile.Describe(dir.File("link")).ShouldBe("a FIFO");
        SpecialFile.Describe(dir.File("plain")).ShouldBeNull();
        SpecialFile.Describe(dir.Path).ShouldBeNull();
        SpecialFile.Describe(dir.File("missing")).ShouldBeNull();
    }

    [Fact]
    public async Task TryReopen_FifoWithAnIndexBesideIt_IsNullWithoutOpeningTheFifo()
    {
        using var dir = new TempDirectory();
        string fifo = Fifo.Make(dir.File("pipe.heapsnapshot"));
        await File.WriteAllTextAsync(fifo + ".hdx", new string('x', 200));
        var reopen = Task.Run(() => SnapshotOpener.TryReopen(fifo));
        (await Task.WhenAny(reopen, Task.Delay(TimeSpan.FromSeconds(5)))).ShouldBe(reopen, "reopening a FIFO hangs");
        (await reopen).ShouldBeNull();
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
