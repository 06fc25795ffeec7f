using System.Diagnostics;

namespace Heapdog.Cli.Tests;

/// <summary>
/// Inputs that are not what a command reads get one line and a documented exit code, never a hang or a changed file:
/// a FIFO (opening it for reading would wait for a writer for ever), an output that is one of the inputs, a store that
/// is not one. Each runs the built heapdog as a user would.
/// </summary>
public sealed class FileInputTests
{
    private static readonly TimeSpan Quick = TimeSpan.FromSeconds(5);

    public static TheoryData<string[]> FifoCommands => new()
    {
        { new[] { "analyze", "{fifo}" } },
        { new[] { "leaks", "{fifo}", "{fifo}" } },
        { new[] { "diff", "{fifo}", "{fifo}" } },
        { new[] { "inspect", "{fifo}", "@1" } },
        { new[] { "oom", "--log", "{fifo}" } },
        { new[] { "oom", "--log", "{plain}", "--db", "{fifo}" } },
    };

    [Theory]
    [MemberData(nameof(FifoCommands))]
    public async Task Command_FifoAsInput_ExitsInputNotFoundAtOnce(string[] template)
    {
        using var dir = new TempDirectory();
        string fifo = Fifo.Make(dir.File("pipe.heapsnapshot"));
        await File.WriteAllTextAsync(dir.File("plain.log"), "nothing here\n");
        string[] args = [.. template.Select(a => a.Replace("{fifo}", fifo).Replace("{plain}", dir.File("plain.log")))];

        var clock = Stopwatch.StartNew();
        var run = await HeapdogCommand.RunAsync(dir.Path, args, timeout: Quick);

        run.ExitCode.ShouldBe(3, run.Stderr);
        run.Stderr.Trim().ShouldBe($"heapdog: '{fifo}' is not a regular file (a FIFO)");
        clock.Elapsed.ShouldBeLessThan(Quick);
    }

    [Fact]
    public async Task Leaks_HtmlIsOneOfTheSnapshots_RefusedEvenWithForceAndNothingOverwritten()
    {
        using var dir = new TempDirectory();
        await File.WriteAllTextAsync(dir.File("a"), "snapshot a");
        await File.WriteAllTextAsync(dir.File("b"), "snapshot b");

        var run = await HeapdogCommand.RunAsync(dir.Path, ["leaks", "a", "b", "--html", "a", "--force"], timeout: TimeSpan.FromSeconds(30));

        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.Trim().ShouldBe("heapdog: --html 'a' is one of the snapshots read; choose another file");
        (await File.ReadAllTextAsync(dir.File("a"))).ShouldBe("snapshot a");
        Directory.GetFiles(dir.Path).Order().ShouldBe([dir.File("a"), dir.File("b")]);
    }

    [Fact]
    public async Task Leaks_HtmlIsASymlinkToASnapshot_Refused()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("snaps"));
        await File.WriteAllTextAsync(dir.File("snaps/1.heapsnapshot"), "one");
        await File.WriteAllTextAsync(dir.File("snaps/2.heapsnapshot"), "two");
        File.CreateSymbolicLink(dir.File("report.html"), dir.File("snaps/2.heapsnapshot"));

        var run = await HeapdogCommand.RunAsync(dir.Path, ["leaks", "snaps/1.heapsnapshot", "snaps/../snaps/2.heapsnapshot", "--html", "report.html", "--force"],
            timeout: TimeSpan.FromSeconds(30));

        run.ExitCode.ShouldBe(2, run.Stderr);
        run.Stderr.Trim().ShouldBe("heapdog: --html 'report.html' is one of the snapshots read; choose another file");
        (await File.ReadAllTextAsync(dir.File("snaps/2.heapsnapshot"))).ShouldBe("two");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a database\n")]
    public async Task Oom_DbIsNotAStore_ExitsBadInputAndTheFileIsUnchanged(string content)
    {
        using var dir = new TempDirectory();
        string db = dir.File("h.db");
        await File.WriteAllTextAsync(db, content);
        await File.WriteAllTextAsync(dir.File("plain.log"), "nothing here\n");

        var run = await HeapdogCommand.RunAsync(dir.Path, ["oom", "--log", dir.File("plain.log"), "--db", db], timeout: TimeSpan.FromSeconds(30));

        run.ExitCode.ShouldBe(4, run.Stderr);
        run.Stderr.Trim().ShouldBe($"heapdog: '{db}' is not a Heapdog store");
        (await File.ReadAllTextAsync(db)).ShouldBe(content);
        Directory.GetFiles(dir.Path).Order().ShouldBe([db, dir.File("plain.log")]);
    }
}
