using System.Globalization;
using Heapdog.Monitoring.Store;

namespace Heapdog.Cli.Tests;

/// <summary>
/// Existing files Heapdog writes that others may read (left by an older Heapdog, copied in, chmod'ed): <c>watch</c> and
/// <c>serve</c> name each once with its mode, and <c>--fix-modes</c> makes them owner-only (0600, directories 0700).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class FileModeTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode PrivateDirectory = Private | UnixFileMode.UserExecute;
    private const UnixFileMode Wide = Private | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode WideDirectory = PrivateDirectory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private static readonly string Self = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Watch_StoreOthersMayRead_WarnsOnceWithItsModeAndLeavesIt()
    {
        using var dir = new TempDirectory();
        string db = WideStore(dir);

        var run = await HeapdogCommand.RunAsync(dir.Path, ["watch", "--pid", Self, "--db", db, "--interval", "200ms", "--duration", "1s"],
            timeout: TimeSpan.FromSeconds(60));

        run.ExitCode.ShouldBe(0, run.Stderr);
        Lines(run.Stderr, "warning: ").ShouldBe([$"heapdog: warning: {db} is mode 0644: others may read it, and it holds heap contents; pass --fix-modes to make it 0600"]);
        File.GetUnixFileMode(db).ShouldBe(Wide);
    }

    [Fact]
    public async Task Watch_FixModes_MakesTheStoreAndItsJournalsOwnerOnly()
    {
        using var dir = new TempDirectory();
        string db = WideStore(dir);

        var run = await HeapdogCommand.RunAsync(dir.Path, ["watch", "--pid", Self, "--db", db, "--interval", "200ms", "--duration", "1s", "--fix-modes"],
            timeout: TimeSpan.FromSeconds(60));

        run.ExitCode.ShouldBe(0, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: {db} was mode 0644, now 0600 (--fix-modes)");
        run.Stderr.ShouldNotContain("warning:");
        foreach (string file in new[] { db, db + "-wal", db + "-shm" }.Where(File.Exists))
            File.GetUnixFileMode(file).ShouldBe(Private, file);
    }

    [Fact]
    public async Task Serve_SnapshotDirectoryOthersMayRead_WarnsThenFixModesMakesItPrivate()
    {
        using var dir = new TempDirectory();
        string db = WideStore(dir);
        string snapshots = Directory.CreateDirectory(dir.File("snapshots")).FullName;
        File.SetUnixFileMode(snapshots, WideDirectory);
        string snapshot = Path.Combine(snapshots, "a.heapsnapshot"), index = snapshot + ".hdx";
        foreach (string file in new[] { snapshot, index })
        {
            await File.WriteAllTextAsync(file, "{}");
            File.SetUnixFileMode(file, Wide);
        }
        string[] args = ["--db", db, "--snapshots", snapshots, "--pid", Self];

        using (var server = await HeapdogProcess.StartServeAsync(dir.Path, args))
        {
            var warnings = Lines(server.Stderr, "warning: ");
            warnings.Count.ShouldBe(4, server.Stderr);
            warnings.ShouldContain($"heapdog: warning: {snapshots} is mode 0755: others may read it, and it holds heap contents; pass --fix-modes to make it 0700");
            warnings.ShouldContain($"heapdog: warning: {index} is mode 0644: others may read it, and it holds heap contents; pass --fix-modes to make it 0600");
        }
        File.GetUnixFileMode(index).ShouldBe(Wide);

        using (var server = await HeapdogProcess.StartServeAsync(dir.Path, [.. args, "--fix-modes"]))
        {
            server.Stderr.ShouldContain($"heapdog: {snapshot} was mode 0644, now 0600 (--fix-modes)");
        }
        File.GetUnixFileMode(snapshots).ShouldBe(PrivateDirectory);
        foreach (string file in new[] { db, snapshot, index }) File.GetUnixFileMode(file).ShouldBe(Private, file);
    }

    /// <summary>A real store, made readable by group and others (as an older Heapdog or a copy might leave it).</summary>
    private static string WideStore(TempDirectory dir)
    {
        string db = dir.File("store.db");
        using (SampleStore.Open(db)) { }
        File.SetUnixFileMode(db, Wide);
        return db;
    }

    private static List<string> Lines(string stderr, string containing) =>
        [.. stderr.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Contains(containing, StringComparison.Ordinal))];
}
