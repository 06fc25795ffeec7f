using System.Globalization;
using System.Text.RegularExpressions;

namespace Heapdog.Monitoring.Import;

/// <summary>
/// The time a memory record carries, read from its line's prefix: a full time (ISO 8601, pm2's <c>2021-09-30T11:59:08: </c>,
/// unix seconds or milliseconds), a time of day alone (<c>21:29 - </c>, <c>[21:29:05] </c>), or none. Times of day and
/// missing times are resolved once the whole file is read (<see cref="Resolve"/>).
/// </summary>
public readonly partial record struct RecordTime(long? UnixMs, TimeSpan? TimeOfDay)
{
    public static readonly RecordTime None = default;

    [GeneratedRegex(@"^\[?(?<iso>\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)\]?(?:\s*[-|:]\s*|\s+)")]
    private static partial Regex IsoPrefix();

    [GeneratedRegex(@"^\[?(?<tod>\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\]?(?:\s*[-|]\s*|\s+)")]
    private static partial Regex TimeOfDayPrefix();

    [GeneratedRegex(@"^(?<unix>\d{10}(?:\.\d+)?|\d{13})(?:\s*[-|:]\s*|\s+)")]
    private static partial Regex UnixPrefix();

    /// <summary>Reads and strips a time prefix from <paramref name="line"/>.</summary>
    public static RecordTime Strip(ref string line)
    {
        Match m;
        if ((m = IsoPrefix().Match(line)).Success && ParseIso(m.Groups["iso"].Value) is { } t)
        {
            line = line[m.Length..];
            return new RecordTime(t.ToUnixTimeMilliseconds(), null);
        }
        if ((m = TimeOfDayPrefix().Match(line)).Success && TimeSpan.TryParse(m.Groups["tod"].Value, CultureInfo.InvariantCulture, out var tod)
            && tod < TimeSpan.FromDays(1))
        {
            line = line[m.Length..];
            return new RecordTime(null, tod);
        }
        if ((m = UnixPrefix().Match(line)).Success)
        {
            line = line[m.Length..];
            return new RecordTime(FromUnix(double.Parse(m.Groups["unix"].Value, CultureInfo.InvariantCulture)), null);
        }
        return None;
    }

    /// <summary>A time field inside a JSON record (<c>time</c>, <c>timestamp</c>, <c>ts</c>): ISO text or unix s/ms.</summary>
    public static RecordTime FromField(string? text, double? number)
    {
        if (number is { } n && n > 0) return new RecordTime(FromUnix(n), null);
        return text is not null && ParseIso(text) is { } t ? new RecordTime(t.ToUnixTimeMilliseconds(), null) : None;
    }

    /// <summary>
    /// Gives every record a unix time. Full times stay. Times of day are placed on consecutive days (a time earlier than
    /// the one before it is the next day), the last of them on the day of <paramref name="fileTime"/>, or the day before
    /// when that would put it after the file was last written. Records with no time are taken to be
    /// <paramref name="interval"/> apart, the last one at <paramref name="fileTime"/>.
    /// </summary>
    public static long[] Resolve(IReadOnlyList<RecordTime> times, DateTimeOffset fileTime, TimeSpan interval)
    {
        var resolved = new long[times.Count];
        var days = new int[times.Count];
        int day = 0, lastTimed = -1, untimed = 0;
        TimeSpan? previous = null;
        for (int i = 0; i < times.Count; i++)
        {
            if (times[i].TimeOfDay is not { } tod) { if (times[i].UnixMs is null) untimed++; continue; }
            if (previous is { } p && tod < p) day++;
            days[i] = day;
            previous = tod;
            lastTimed = i;
        }
        DateTime lastDate = fileTime.LocalDateTime.Date;
        if (lastTimed >= 0 && times[lastTimed].TimeOfDay > fileTime.LocalDateTime.TimeOfDay) lastDate = lastDate.AddDays(-1);
        int untimedIndex = 0;
        for (int i = 0; i < times.Count; i++)
        {
            if (times[i].UnixMs is { } ms) resolved[i] = ms;
            else if (times[i].TimeOfDay is { } tod)
                resolved[i] = new DateTimeOffset(lastDate.AddDays(days[i] - day).Add(tod)).ToUnixTimeMilliseconds();
            else resolved[i] = (fileTime - interval * (untimed - 1 - untimedIndex++)).ToUnixTimeMilliseconds();
        }
        return resolved;
    }

    private static long FromUnix(double value) => value >= 1e12 ? (long)value : (long)(value * 1000);

    private static DateTimeOffset? ParseIso(string text)
    {
        text = text.Replace(',', '.');
        // "+0000" is not understood by the round-trip parser: make it "+00:00".
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && char.IsAsciiDigit(text[^4])) text = text[..^2] + ":" + text[^2..];
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var t) ? t : null;
    }
}
