using System.Globalization;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.Output;

/// <summary>
/// Progress on stderr for long phases, drawn only on a terminal: one line rewritten in place (at most ~10 times a
/// second), a bar with the bytes done and the time left when they are known. When stderr is redirected it prints
/// nothing, so logs hold warnings and errors alone; with <see cref="LogPhaseTimes"/> (<c>--verbose</c>) each phase is
/// logged there as a plain line when it starts and with its duration when it ends. Work running beside the command's
/// own (the next snapshot read ahead on a second core) reports in its own lane: its phases are timed apart and logged
/// with the lane's name, so two files' phases never end each other.
/// </summary>
public sealed class StatusLine(TextWriter writer, bool interactive, Func<int>? width = null)
{
    private const int BarWidth = 20;

    private readonly Lock _gate = new();
    private readonly Func<int> _width = width ?? TerminalWidth;
    // The phase each lane is in and since when; "" is the command's own lane.
    private readonly Dictionary<string, (string Phase, long Start)> _lanes = [];
    private int _lastWidth;
    private long _lastTicks;

    public bool Enabled { get; set; } = true;

    /// <summary>When set (by --verbose), each finished phase is logged with its duration.</summary>
    public bool LogPhaseTimes { get; set; }

    /// <summary>Reports <paramref name="fraction"/> (0..1, or negative when unknown) of <paramref name="phase"/>.</summary>
    public void Report(string phase, double fraction, string lane = "") => Draw(lane, phase, fraction, -1, 0);

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> bytes (total 0 or less: unknown).</summary>
    public void ReportBytes(string phase, long done, long total, string lane = "") =>
        Draw(lane, phase, total > 0 ? Math.Min(1.0, (double)done / total) : -1, done, total);

    private void Draw(string lane, string phase, double fraction, long done, long total)
    {
        if (!Enabled) return;
        lock (_gate)
        {
            long now = Environment.TickCount64;
            if (!_lanes.TryGetValue(lane, out var current) || current.Phase != phase)
            {
                EndPhase(lane, now);
                if (LogPhaseTimes && !interactive) writer.WriteLine($"{Label(lane, phase)}...");
                _lanes[lane] = current = (phase, now);
            }
            else if (!interactive || (now - _lastTicks < 100 && fraction < 1))
            {
                return;
            }
            if (!interactive) return;
            _lastTicks = now;
            string text = Render(Label(lane, phase), fraction, done, total, TimeSpan.FromMilliseconds(now - current.Start));
            int max = Math.Max(20, _width() - 1);
            if (text.Length > max) text = text[..max];
            writer.Write('\r' + text.PadRight(_lastWidth));
            _lastWidth = text.Length;
            writer.Flush();
        }
    }

    /// <summary>
    /// One status line: <c>Reading a.heapsnapshot [########------------]  42%  1.2 GB / 3.0 GB  12s left</c>; without a
    /// fraction, the phase with the bytes so far (if any) and an ellipsis.
    /// </summary>
    public static string Render(string phase, double fraction, long done, long total, TimeSpan elapsed)
    {
        if (fraction < 0) return done > 0 ? $"{phase}  {Format.Size(done)}..." : $"{phase}...";
        int filled = (int)Math.Round(Math.Clamp(fraction, 0, 1) * BarWidth);
        string text = $"{phase} [{new string('#', filled)}{new string('-', BarWidth - filled)}] {(fraction * 100).ToString("0", CultureInfo.InvariantCulture),3}%";
        if (total > 0) text += $"  {Format.Size(done)} / {Format.Size(total)}";
        // A time left only once there is enough behind it to be more than a guess.
        if (fraction is > 0.02 and < 1 && elapsed >= TimeSpan.FromSeconds(1))
            text += $"  {DurationText.Format(TimeSpan.FromSeconds(Math.Ceiling(elapsed.TotalSeconds * (1 - fraction) / fraction)))} left";
        return text;
    }

    /// <summary>The work of <paramref name="lane"/> is over: its last phase is logged with its duration.</summary>
    public void EndLane(string lane)
    {
        lock (_gate)
        {
            EndPhase(lane, Environment.TickCount64);
            _lanes.Remove(lane);
        }
    }

    /// <summary>Nothing is in progress any more: every open phase is logged with its duration, the line removed.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            long now = Environment.TickCount64;
            foreach (string lane in _lanes.Keys) EndPhase(lane, now);
            _lanes.Clear();
            Interrupt();
        }
    }

    /// <summary>Removes the status line so another line can be printed; the phases go on.</summary>
    public void Interrupt()
    {
        lock (_gate)
        {
            if (interactive && _lastWidth > 0)
            {
                writer.Write('\r' + new string(' ', _lastWidth) + '\r');
                writer.Flush();
            }
            _lastWidth = 0;
        }
    }

    /// <summary>Logs the end of <paramref name="lane"/>'s phase, when there is one and phases are logged.</summary>
    private void EndPhase(string lane, long now)
    {
        if (LogPhaseTimes && _lanes.TryGetValue(lane, out var open))
            writer.WriteLine($"\r{Label(lane, open.Phase)}: {now - open.Start} ms".PadRight(_lastWidth + 1));
    }

    /// <summary>A phase as logged: with its lane's name in front, unless the phase already names it.</summary>
    private static string Label(string lane, string phase) =>
        lane.Length == 0 || phase.Contains(lane, StringComparison.Ordinal) ? phase : $"{lane}: {phase}";

    private static int TerminalWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }
}
