using System.Globalization;
using Heapdog.Workflows.Formatting;

namespace Heapdog.Cli.Output;

/// <summary>
/// Progress on stderr for long phases, drawn only on a terminal: one line rewritten in place (at most ~10 times a
/// second), a bar with the bytes done and the time left when they are known. When stderr is redirected it prints
/// nothing, so logs hold warnings and errors alone; with <see cref="LogPhaseTimes"/> (<c>--verbose</c>) each phase is
/// logged there as a plain line when it starts and with its duration when it ends.
/// </summary>
public sealed class StatusLine(TextWriter writer, bool interactive, Func<int>? width = null)
{
    private const int BarWidth = 20;

    private readonly Lock _gate = new();
    private readonly Func<int> _width = width ?? TerminalWidth;
    private string? _phase;
    private int _lastWidth;
    private long _lastTicks;
    private long _phaseStart;

    public bool Enabled { get; set; } = true;

    /// <summary>When set (by --verbose), each finished phase is logged with its duration.</summary>
    public bool LogPhaseTimes { get; set; }

    /// <summary>Reports <paramref name="fraction"/> (0..1, or negative when unknown) of <paramref name="phase"/>.</summary>
    public void Report(string phase, double fraction) => Draw(phase, fraction, -1, 0);

    /// <summary>Reports <paramref name="done"/> of <paramref name="total"/> bytes (total 0 or less: unknown).</summary>
    public void ReportBytes(string phase, long done, long total) =>
        Draw(phase, total > 0 ? Math.Min(1.0, (double)done / total) : -1, done, total);

    private void Draw(string phase, double fraction, long done, long total)
    {
        if (!Enabled) return;
        lock (_gate)
        {
            long now = Environment.TickCount64;
            if (phase != _phase)
            {
                if (LogPhaseTimes && _phase is not null) writer.WriteLine($"\r{_phase}: {now - _phaseStart} ms".PadRight(_lastWidth + 1));
                if (LogPhaseTimes && !interactive) writer.WriteLine($"{phase}...");
                _phaseStart = now;
            }
            else if (!interactive || (now - _lastTicks < 100 && fraction < 1))
            {
                return;
            }
            _phase = phase;
            if (!interactive) return;
            _lastTicks = now;
            string text = Render(phase, fraction, done, total, TimeSpan.FromMilliseconds(now - _phaseStart));
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

    /// <summary>Removes the status line so the next output starts on a clean line.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            if (interactive && _lastWidth > 0)
            {
                writer.Write('\r' + new string(' ', _lastWidth) + '\r');
                writer.Flush();
            }
            _lastWidth = 0;
            _phase = null;
        }
    }

    private static int TerminalWidth()
    {
        try { return Console.WindowWidth > 0 ? Console.WindowWidth : 80; }
        catch (IOException) { return 80; }
    }
}
