using System.Runtime.Versioning;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;

namespace Heapdog.Workflows.Tests;

/// <summary>
/// What Heapdog writes holds heap contents or process data: files are created 0600 and directories 0700, whatever the
/// umask allows (these tests run under the default umask, 022, which would leave 0644 and 0755).
/// </summary>
[SupportedOSPlatform("linux")]
public sealed class PrivateFilesTests
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void AtomicFileWrite_NewReport_IsOwnerOnly()
    {
        using var dir = new TempDirectory();
        string path = dir.File("report.html");
        AtomicFile.Write(path, w => w.Write("<!DOCTYPE html>"), overwrite: false);
        File.GetUnixFileMode(path).ShouldBe(OwnerFile);
        File.ReadAllText(path).ShouldBe("<!DOCTYPE html>");
    }

    [Fact]
    public void AtomicFileWrite_OverAWorldReadableFile_LeavesItOwnerOnly()
    {
        using var dir = new TempDirectory();
        string path = dir.File("report.html");
        File.WriteAllText(path, "old");
        File.SetUnixFileMode(path, OwnerFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AtomicFile.Write(path, w => w.Write("new"), overwrite: true);
        File.GetUnixFileMode(path).ShouldBe(OwnerFile);
        Directory.GetFiles(dir.Path).ShouldBe([path]);
    }

    [Fact]
    public async Task OutputPathWriteAsync_Profile_IsOwnerOnly()
    {
        using var dir = new TempDirectory();
        string path = dir.File("p.heapprofile");
        await OutputPath.WriteAsync(path, overwrite: false, s => s.WriteAsync("{}"u8.ToArray()).AsTask());
        File.GetUnixFileMode(path).ShouldBe(OwnerFile);
    }

    [Fact]
    public void PrivateDirectoryCreate_MissingParents_AreEachOwnerOnly()
    {
        using var dir = new TempDirectory();
        string inner = Path.Combine(dir.Path, "a", "b");
        PrivateDirectory.Create(inner);
        File.GetUnixFileMode(Path.Combine(dir.Path, "a")).ShouldBe(OwnerDirectory);
        File.GetUnixFileMode(inner).ShouldBe(OwnerDirectory);
    }

    [Fact]
    public void SameFile_ThroughASymlinkedFileOrDirectory_IsTrue()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("real"));
        string file = Path.Combine(dir.File("real"), "a.heapsnapshot");
        File.WriteAllText(file, "{}");
        Directory.CreateSymbolicLink(dir.File("alias"), dir.File("real"));
        File.CreateSymbolicLink(dir.File("link.heapsnapshot"), file);

        OutputPath.SameFile(file, Path.Combine(dir.File("alias"), "a.heapsnapshot")).ShouldBeTrue();
        OutputPath.SameFile(dir.File("link.heapsnapshot"), file).ShouldBeTrue();
        OutputPath.SameFile(Path.Combine(dir.File("real"), ".", "a.heapsnapshot"), file).ShouldBeTrue();
        OutputPath.SameFile(Path.Combine(dir.File("real"), "b.heapsnapshot"), file).ShouldBeFalse();
    }

    [Fact]
    public void Refuse_Fifo_IsNotFoundWithTheKind()
    {
        using var dir = new TempDirectory();
        string fifo = Fifo.Make(dir.File("log"));
        var e = Should.Throw<HeapdogException>(() => SpecialFile.Refuse(fifo));
        e.Kind.ShouldBe(ErrorKind.NotFound);
        e.Message.ShouldBe($"'{fifo}' is not a regular file (a FIFO)");
    }
}
