using System.Globalization;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Formatting;

/// <summary>Durations as users write them (options, API parameters): a number with a unit, <c>ms</c>, <c>s</c>, <c>m</c>, <c>h</c> or <c>d</c>
/// (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c>, <c>1.5h</c>), several run together (<c>1h30m</c>), or a bare
/// number of seconds.</summary>
public static class DurationText
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        var s = text.Trim().ToLowerInvariant();
        if (s.Length == 0) return false;
        int i = 0;
        double totalMs = 0;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n)) return false;
            int unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            double unitMs = s[unitStart..i] switch
            {
                "" when i == s.Length && start == 0 => 1000,
                "ms" => 1,
                "s" => 1000,
                "m" or "min" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => -1,
            };
            if (unitMs < 0) return false;
            totalMs += n * unitMs;
        }
        if (totalMs > TimeSpan.MaxValue.TotalMilliseconds / 2) return false;
        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Parses a positive duration, or fails with <see cref="ErrorKind.BadRequest"/> naming the option or parameter.</summary>
    public static TimeSpan Parse(string text, string option)
    {
        if (TryParse(text, out var value) && value > TimeSpan.Zero) return value;
        throw new HeapdogException(ErrorKind.BadRequest, $"{option} must be a positive duration such as 500ms, 30s, 2m or 1h, got '{text}'");
    }

    /// <summary>A duration as users type it and <see cref="TryParse"/> reads it back: <c>500ms</c>, <c>5s</c>,
    /// <c>10m</c>, <c>1h30m</c>, <c>1d</c>. Zero is <c>0s</c>.</summary>
    public static string Format(TimeSpan t)
    {
        if (t <= TimeSpan.Zero) return "0s";
        var text = new System.Text.StringBuilder();
        void Part(long n, string unit)
        {
            if (n > 0) text.Append(n.ToString(CultureInfo.InvariantCulture)).Append(unit);
        }
        Part(t.Days, "d");
        Part(t.Hours, "h");
        Part(t.Minutes, "m");
        Part(t.Seconds, "s");
        Part(t.Milliseconds, "ms");
        return text.Length > 0 ? text.ToString() : "0s";
    }
}
