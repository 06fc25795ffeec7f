using System.Globalization;

namespace Heapdog.Workflows.Formatting;

/// <summary>Human-readable numbers for terminal output and messages (JSON output always carries raw bytes and counts).</summary>
public static class Format
{
    /// <summary>Sizes in decimal units as DevTools shows them (1 kB = 1000 B).</summary>
    public static string Size(long bytes) => Heapdog.Monitoring.SizeText.Of(bytes);

    public static string SignedSize(long bytes) => bytes > 0 ? "+" + Size(bytes) : Size(bytes);

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string SignedCount(long n) => n > 0 ? "+" + Count(n) : Count(n);

    public static string Percent(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    /// <summary>A measured time, in the units options take (500ms, 30s, 5m, 1h): <c>340ms</c>, <c>4.2s</c>,
    /// <c>2m5s</c>, <c>1h20m</c>.</summary>
    public static string Duration(TimeSpan t) =>
        t.TotalSeconds < 1 ? $"{t.TotalMilliseconds:0}ms"
        : t.TotalMinutes < 1 ? $"{t.TotalSeconds:0.0}s"
        : t.TotalHours < 1 ? $"{(int)t.TotalMinutes}m{t.Seconds}s"
        : $"{(int)t.TotalHours}h{t.Minutes}m";

    /// <summary>A Unix time in milliseconds as ISO 8601 UTC with milliseconds, as logs and reports print times.</summary>
    public static string Iso(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
