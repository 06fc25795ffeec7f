using System.Globalization;
using System.Text;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Sampling;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.Output;

/// <summary>The live terminal view: the whole table redrawn in place each round (processes, memory now, an RSS
/// sparkline, the verdict). Used only when stdout is a terminal.</summary>
public sealed class WatchLiveView(TextWriter writer, Func<IReadOnlyList<ProcessTrack>> tracks, string header, Colours colours) : IWatchListener
{
    private const int SparkWidth = 24;

    public ValueTask OnRoundAsync(WatchRound round, CancellationToken ct)
    {
        var table = new TextTable(("PID", true), ("NAME", false), ("RSS", true), ("JS HEAP", true), ("NATIVE", true), ("CPU", true), ("RSS TREND", false), ("VERDICT", false));
        foreach (var t in tracks())
        {
            var s = t.Last;
            var layout = t.LastWithLayout;
            var spark = new List<long>(SparkWidth);
            for (int i = Math.Max(0, t.History.Count - SparkWidth); i < t.History.Count; i++) spark.Add(t.History[i].Rss);
            string verdict = t.Exited ? "exited"
                : t.Verdict is { } v ? (v.Status == VerdictStatus.Growing ? VerdictAnalyzer.Name(v.Growth) + ": " : "") + v.Text
                : "collecting samples";
            table.AddRow(
                t.Process.Identity.Pid.ToString(CultureInfo.InvariantCulture),
                Truncate(t.Process.Pm2Name ?? t.Process.Name, 16),
                s is null ? "-" : Format.Size(s.Rss),
                layout is null ? "-" : Format.Size(layout.HeapUsed >= 0 ? layout.HeapUsed : layout.V8Heap),
                layout is null || layout.Native < 0 ? "-" : Format.Size(layout.Native),
                s is null || s.CpuPercent < 0 ? "-" : s.CpuPercent.ToString("0.0", CultureInfo.InvariantCulture) + " %",
                Sparkline.Render(spark.ToArray()),
                t.Verdict is { } status && !t.Exited ? colours.ByVerdict(status.Status, Truncate(verdict, Math.Max(20, SafeWidth() - 100))) : Truncate(verdict, Math.Max(20, SafeWidth() - 100)));
        }
        var text = new StringWriter();
        text.WriteLine($"{header}  round {round.Number + 1}, {Format.Iso(round.TimeMs)}  (Ctrl+C to stop)");
        text.WriteLine();
        table.Write(text);
        var sb = new StringBuilder("\u001b[H\u001b[2J");
        sb.Append(text.ToString());
        writer.Write(sb.ToString());
        writer.Flush();
        return ValueTask.CompletedTask;
    }

    private static int SafeWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 160; }
        catch (IOException) { return 160; }
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";
}
