using System.Globalization;

namespace Heapdog.Cli.CommandLine;

/// <summary>Durations on the command line: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>, or a bare number of seconds.</summary>
internal static class DurationText
{
    public static TimeSpan Parse(string text, string option)
    {
        var t = text.Trim();
        (string digits, double scale) = t.EndsWith("ms", StringComparison.Ordinal) ? (t[..^2], 0.001)
            : t.EndsWith('s') ? (t[..^1], 1)
            : t.EndsWith('m') ? (t[..^1], 60)
            : t.EndsWith('h') ? (t[..^1], 3600)
            : (t, 1);
        if (!double.TryParse(digits, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double value) || value <= 0 || value * scale > 86400 * 7)
            throw new HeapdogException($"{option} must be a positive duration such as 500ms, 30s, 2m or 1h, got '{text}'", ExitCodes.Usage);
        return TimeSpan.FromSeconds(value * scale);
    }
}
