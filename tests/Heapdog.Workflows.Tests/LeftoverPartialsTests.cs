using Heapdog.Workflows.Files;

namespace Heapdog.Workflows.Tests;

/// <summary>What the next capture removes of a killed one: Heapdog's own partial files that no live writer holds.</summary>
public sealed class LeftoverPartialsTests
{
    [Fact]
    public void Remove_OnlyHeapdogsUnheldPartialFiles()
    {
        using var dir = new TempDirectory();
        string stale = dir.File($".old.heapsnapshot.{Guid.NewGuid():N}.partial");
        string held = dir.File($".live.heapsnapshot.{Guid.NewGuid():N}.partial");
        string[] others = [dir.File(".notes.partial"), dir.File("upload.heapsnapshot.partial"), dir.File($"x.{Guid.NewGuid():N}.partial"),
            dir.File($".x.{Guid.NewGuid():N}.partial.bak"), dir.File("kept.heapsnapshot")];
        foreach (string path in (string[])[stale, held, .. others]) File.WriteAllText(path, "{");
        string link = dir.File($".link.heapsnapshot.{Guid.NewGuid():N}.partial");
        File.CreateSymbolicLink(link, dir.File("kept.heapsnapshot"));

        using (new FileStream(held, FileMode.Open, FileAccess.Write, FileShare.None))
            LeftoverPartials.Remove(dir.Path);

        File.Exists(stale).ShouldBeFalse();
        File.Exists(held).ShouldBeTrue("a live writer's partial file is not touched");
        File.Exists(link).ShouldBeTrue("links are left alone");
        foreach (string path in others) File.Exists(path).ShouldBeTrue(path);
    }

    [Fact]
    public async Task Remove_PartialNamedFifo_LeftAloneWithoutBlocking()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TempDirectory();
        string fifo = dir.File($".pipe.heapsnapshot.{Guid.NewGuid():N}.partial");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!) mkfifo.WaitForExit();

        await Task.Run(() => LeftoverPartials.Remove(dir.Path)).WaitAsync(TimeSpan.FromSeconds(10));

        File.Exists(fifo).ShouldBeTrue();
    }

    [Theory]
    [InlineData(".a.heapsnapshot.0123456789abcdef0123456789abcdef.partial", true)]
    [InlineData("..0123456789abcdef0123456789abcdef.partial", false)]
    [InlineData(".a.0123456789ABCDEF0123456789abcdef.partial", false)]
    [InlineData(".a.0123456789abcdef0123456789abcde.partial", false)]
    [InlineData("a.0123456789abcdef0123456789abcdef.partial", false)]
    [InlineData(".a-0123456789abcdef0123456789abcdef.partial", false)]
    public void IsPartialName_Grammar(string name, bool expected) => LeftoverPartials.IsPartialName(name).ShouldBe(expected);
}
