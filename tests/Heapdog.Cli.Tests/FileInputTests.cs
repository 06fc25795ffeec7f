using System.Diagnostics;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Cli.Tests;

/// <summary>
/// Inputs that are not what a command reads get one line and a documented exit code, never a hang or a changed file:
/// a FIFO (opening it for reading would wait for a writer for ever), an output that is one of the inputs, a store that
/// is not one. Each runs the built heapdog as a user would.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
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
        { new[] { "import", "{fifo}" } },
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

    /// <summary>A log named with --log that exists but cannot be read (as root, /proc/self/mem answers every read with an
    /// I/O error; a directory is no log): exit 3 with one line, not an empty report and exit 0.</summary>
    [Theory]
    [InlineData("/proc/self/mem")]
    [InlineData("{dir}")]
    public async Task Oom_LogThatCannotBeRead_ExitsInputNotFound(string log)
    {
        using var dir = new TempDirectory();
        var run = await HeapdogCommand.RunAsync(dir.Path, "oom", "--log", log.Replace("{dir}", dir.Path, StringComparison.Ordinal));
        run.ExitCode.ShouldBe(3, run.Stderr);
        run.Stderr.Trim().Split('\n').ShouldHaveSingleItem().ShouldStartWith("heapdog: ");
        run.Stdout.ShouldBeEmpty();
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

    [Fact]
    public async Task Oom_StoreTheUserMayOnlyRead_IsReadNotRefused()
    {
        // Needs a second user: run as root, the test reads the store as nobody through setpriv(1); otherwise it has
        // nothing to show (the owner may always write).
        if (OperatingSystem.IsWindows() || Environment.UserName != "root") return;
        using var dir = new TempDirectory();
        string storeDir = Directory.CreateDirectory(dir.File("store")).FullName;
        string db = Path.Combine(storeDir, "h.db");
        using (var store = SampleStore.Open(db))
            store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", 0, null, 1);
        await File.WriteAllTextAsync(dir.File("plain.log"), "nothing here\n");
        File.SetUnixFileMode(db, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(dir.File("plain.log"), UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        const UnixFileMode readable = UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        File.SetUnixFileMode(storeDir, readable); // not writable: SQLite cannot create the -shm beside the store
        File.SetUnixFileMode(dir.Path, readable);

        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir.Path };
        foreach (var a in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", "env", "HOME=/tmp", "DOTNET_CLI_HOME=/tmp",
                     "dotnet", "exec", HeapdogCommand.Dll, "oom", "--log", dir.File("plain.log"), "--db", db })
            start.ArgumentList.Add(a);
        using var oom = Process.Start(start)!;
        var stdout = oom.StandardOutput.ReadToEndAsync();
        var stderr = oom.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await oom.WaitForExitAsync(timeout.Token);

        oom.ExitCode.ShouldBe(0, await stderr);
        (await stdout).ShouldContain("No OOM deaths found.");
        File.GetUnixFileMode(db).ShouldBe(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.SetUnixFileMode(storeDir, PrivateMode);
        File.SetUnixFileMode(dir.Path, PrivateMode);
    }

    private const UnixFileMode PrivateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
}
