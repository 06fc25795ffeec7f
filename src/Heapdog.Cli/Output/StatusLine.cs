namespace Heapdog.Cli.Output;

/// <summary>
/// Progress on stderr for long phases. On a terminal one line is rewritten in place (at most ~10 times a second);
/// when stderr is redirected it degrades to one plain line per phase, so logs stay readable.
/// </summary>
public sealed class StatusLine(TextWriter writer, bool interactive)
{
    private readonly Lock _gate = new();
    private string? _phase;
    private int _lastWidth;
    private long _lastTicks;

    public bool Enabled { get; set; } = true;

    /// <summary>When set (by --verbose), each finished phase is logged with its duration.</summary>
    public bool LogPhaseTimes { get; set; }

    private long _phaseStart;

    /// <summary>Reports <paramref name="fraction"/> (0..1, or negative when unknown) of <paramref name="phase"/>.</summary>
    public void Report(string phase, double fraction)
    {
        if (!Enabled) return;
        lock (_gate)
        {
            if (LogPhaseTimes && phase != _phase)
            {
                long phaseEnd = Environment.TickCount64;
                if (_phase is not null) writer.WriteLine($"\r{_phase}: {phaseEnd - _phaseStart} ms".PadRight(_lastWidth + 1));
                _phaseStart = phaseEnd;
            }
            if (!interactive)
            {
                if (phase != _phase) writer.WriteLine($"{phase}...");
                _phase = phase;
                return;
            }
            long now = Environment.TickCount64;
            if (phase == _phase && now - _lastTicks < 100 && fraction < 1) return;
            _phase = phase;
            _lastTicks = now;
            string text = fraction >= 0 ? $"{phase} {fraction * 100,5:0.0}%" : $"{phase}...";
            writer.Write('\r' + text.PadRight(_lastWidth));
            _lastWidth = text.Length;
            writer.Flush();
        }
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
}
