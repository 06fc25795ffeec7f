using System.Globalization;
using Heapdog.Monitoring.Store;

namespace Heapdog.Cli.Tests;

public class WatcherCrashTests
{
    [Fact]
    public async Task Store_WatcherKilledWithSigkill_KeepsEverySampleItReportedWritten()
    {
        using var dir = new TempDirectory();
        var reported = new List<long>();
        using (var node = new NodeProgram("steady.js"))
        {
            (await node.ReadLineAsync()).ShouldBe("ready");
            using var watch = HeapdogProcess.Start(dir.Path, ["watch", "--pid", node.Pid.ToString(CultureInfo.InvariantCulture), "--interval", "200ms", "--db", dir.File("crash.db")]);
            while (reported.Count < 15)
            {
                var line = await watch.ReadLineAsync() ?? throw new InvalidOperationException("watch ended: " + watch.Stderr);
                if (!line.EndsWith("(written)", StringComparison.Ordinal)) continue;
                var time = DateTimeOffset.Parse(line[..line.IndexOf(' ')], CultureInfo.InvariantCulture);
                reported.Add(time.ToUnixTimeMilliseconds());
            }
            watch.Kill(); // SIGKILL: no chance to flush or close anything
            watch.WaitForExit(TimeSpan.FromSeconds(5));
        }

        using var store = SampleStore.Open(dir.File("crash.db"));
        var process = store.AllProcesses().ShouldHaveSingleItem();
        var stored = store.ReadSamples(process.Id).Select(s => s.TimeMs).ToHashSet();
        foreach (var t in reported) stored.ShouldContain(t);
        stored.Count.ShouldBeGreaterThanOrEqualTo(reported.Count);
    }
}
