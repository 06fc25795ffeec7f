using System.Globalization;
using Heapdog.Monitoring.Store;

namespace Heapdog.Monitoring.Tests;

public class WatcherCrashTests
{
    [Fact]
    public void Store_WatcherKilledWithSigkill_KeepsEverySampleItReportedWritten()
    {
        using var dir = new TempDir();
        var node = Children.Node("steady.js");
        System.Diagnostics.Process? watch = null;
        var reported = new List<long>();
        try
        {
            watch = Children.Heapdog("watch", "--pid", node.Id.ToString(CultureInfo.InvariantCulture), "--interval", "200ms", "--db", dir.File("crash.db"));
            while (reported.Count < 15)
            {
                var line = watch.StandardOutput.ReadLine() ?? throw new InvalidOperationException("watch ended: " + watch.StandardError.ReadToEnd());
                if (!line.EndsWith("(written)", StringComparison.Ordinal)) continue;
                var time = DateTimeOffset.Parse(line[..line.IndexOf(' ')], CultureInfo.InvariantCulture);
                reported.Add(time.ToUnixTimeMilliseconds());
            }
            watch.Kill(); // SIGKILL: no chance to flush or close anything
            watch.WaitForExit(5000);
        }
        finally
        {
            Children.Kill(watch);
            Children.Kill(node);
        }

        using var store = SampleStore.Open(dir.File("crash.db"));
        var process = store.AllProcesses().ShouldHaveSingleItem();
        var stored = store.ReadSamples(process.Id).Select(s => s.TimeMs).ToHashSet();
        foreach (var t in reported) stored.ShouldContain(t);
        stored.Count.ShouldBeGreaterThanOrEqualTo(reported.Count);
    }
}
