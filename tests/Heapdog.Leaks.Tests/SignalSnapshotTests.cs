using System.Diagnostics;

namespace Heapdog.Leaks.Tests;

/// <summary>Snapshots written by Node itself on a signal (<c>--heapsnapshot-signal=SIGUSR2</c>), as in production.</summary>
[Collection(LeakProgramsCollection.Name)]
public sealed class SignalSnapshotTests(LeakPrograms programs)
{
    [Fact]
    public async Task Detect_SnapshotsTakenWithSigusr2_NamesTheListenerLeak()
    {
        string dir = programs.TempPath("signal");
        Directory.CreateDirectory(dir);
        using (var node = new NodeProgram(LeakPrograms.ProgramPath("listeners"), args: [dir, "--signal"],
            flags: ["--heapsnapshot-signal=SIGUSR2", $"--diagnostic-dir={dir}"]))
        {
            for (int round = 1; round <= 3; round++)
            {
                string? line = await node.ReadLineAsync(TimeSpan.FromSeconds(60));
                line.ShouldBe($"ready {round}");
                int before = Directory.GetFiles(dir, "*.heapsnapshot").Length;
                using (var kill = Process.Start("kill", ["-USR2", node.Pid.ToString()])!) kill.WaitForExit();
                var clock = Stopwatch.StartNew();
                while (Directory.GetFiles(dir, "*.heapsnapshot").Length == before && clock.Elapsed < TimeSpan.FromSeconds(60)) await Task.Delay(20);
                // Node writes the snapshot on its main thread: the next line is read only once the file is complete.
                node.WriteLine("next");
            }
            node.WaitForExit(TimeSpan.FromSeconds(60)).ShouldBeTrue();
            node.ExitCode.ShouldBe(0, node.Stderr);
        }
        var files = Directory.GetFiles(dir, "*.heapsnapshot").Order(StringComparer.Ordinal).ToArray();
        files.Length.ShouldBe(3);
        var top = LeakPrograms.Detect(files).Suspects[0];
        top.Kind.ShouldBe(SuspectKind.Listeners);
        top.PropertyPath.ShouldMatch(@"^JobQueue@\d+\._events\.error$");
        top.Location!.Line.ShouldBe(LeakPrograms.LeakSiteLine("listeners"));
    }
}
