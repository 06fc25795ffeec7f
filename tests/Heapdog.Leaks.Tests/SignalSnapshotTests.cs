using System.Diagnostics;

namespace Heapdog.Leaks.Tests;

/// <summary>Snapshots written by Node itself on a signal (<c>--heapsnapshot-signal=SIGUSR2</c>), as in production.</summary>
[Collection(LeakProgramsCollection.Name)]
public sealed class SignalSnapshotTests(LeakPrograms programs)
{
    [Fact]
    public void Detect_SnapshotsTakenWithSigusr2_NamesTheListenerLeak()
    {
        string dir = programs.TempPath("signal");
        Directory.CreateDirectory(dir);
        var psi = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "--heapsnapshot-signal=SIGUSR2", $"--diagnostic-dir={dir}", LeakPrograms.ProgramPath("listeners"), dir, "--signal" })
            psi.ArgumentList.Add(a);
        using var node = Process.Start(psi)!;
        try
        {
            for (int round = 1; round <= 3; round++)
            {
                string? line = ReadLine(node);
                line.ShouldBe($"ready {round}");
                int before = Directory.GetFiles(dir, "*.heapsnapshot").Length;
                using (var kill = Process.Start("kill", ["-USR2", node.Id.ToString()])!) kill.WaitForExit();
                var clock = Stopwatch.StartNew();
                while (Directory.GetFiles(dir, "*.heapsnapshot").Length == before && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(20);
                // Node writes the snapshot on its main thread: the next line is read only once the file is complete.
                node.StandardInput.WriteLine("next");
                node.StandardInput.Flush();
            }
            node.WaitForExit(60_000).ShouldBeTrue();
            node.ExitCode.ShouldBe(0, node.StandardError.ReadToEnd());
        }
        finally
        {
            if (!node.HasExited) node.Kill(entireProcessTree: true);
        }
        var files = Directory.GetFiles(dir, "*.heapsnapshot").Order(StringComparer.Ordinal).ToArray();
        files.Length.ShouldBe(3);
        var top = LeakPrograms.Detect(files).Suspects[0];
        top.Kind.ShouldBe(SuspectKind.Listeners);
        top.PropertyPath.ShouldMatch(@"^JobQueue@\d+\._events\.error$");
        top.Location!.Line.ShouldBe(LeakPrograms.LeakSiteLine("listeners"));
    }

    private static string? ReadLine(Process process)
    {
        var read = process.StandardOutput.ReadLineAsync();
        return read.Wait(TimeSpan.FromSeconds(60)) ? read.Result : throw new TimeoutException("the program did not report a round");
    }
}
