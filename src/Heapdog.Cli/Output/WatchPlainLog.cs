using System.Globalization;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Sampling;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.Output;

/// <summary>
/// The watch as plain lines, for logs and pipes: one line per process per round, written only after the round is
/// committed to the store (so every printed sample is on disk), one line per exit, one per verdict change.
/// </summary>
public sealed class WatchPlainLog(TextWriter output) : IWatchListener
{
    private readonly Dictionary<long, string> _lastVerdict = [];

    public ValueTask OnRoundAsync(WatchRound round, CancellationToken ct)
    {
        // One write per round: a redirected console flushes every line, and the watcher's cost should not grow with it.
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        string time = Format.Iso(round.TimeMs);
        foreach (var t in round.Sampled)
        {
            var s = t.Last!;
            var layout = t.LastWithLayout;
            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{time} pid {t.Process.Identity.Pid} {t.Process.Name}: rss {Format.Size(s.Rss)}, js heap {Maybe(layout?.HeapUsed >= 0 ? layout.HeapUsed : layout?.V8Heap)}, native {Maybe(layout?.Native)}, cpu {(s.CpuPercent >= 0 ? s.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %" : "-")} (written)"));
            if (round.VerdictsUpdated && t.Verdict is { } v && _lastVerdict.GetValueOrDefault(t.Process.Id) != v.Text)
            {
                _lastVerdict[t.Process.Id] = v.Text;
                writer.WriteLine($"{time} pid {t.Process.Identity.Pid} {t.Process.Name}: verdict {VerdictAnalyzer.Name(v.Status)}, growth {VerdictAnalyzer.Name(v.Growth)}: {v.Text}");
            }
        }
        foreach (var t in round.ExitedNow)
            writer.WriteLine($"{time} pid {t.Process.Identity.Pid} {t.Process.Name}: exited");
        output.Write(writer.ToString());
        output.Flush();
        return ValueTask.CompletedTask;
    }

    private static string Maybe(long? bytes) => bytes is { } b && b >= 0 ? Format.Size(b) : "-";
}
