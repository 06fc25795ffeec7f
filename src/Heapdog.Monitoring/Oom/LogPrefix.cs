using System.Globalization;
using System.Text.RegularExpressions;

namespace Heapdog.Monitoring.Oom;

/// <summary>
/// Strips the prefixes that log collectors put before a message and reads the time they carry, in every combination
/// the kernel and the loggers write them: first a logger's prefix — syslog and journald
/// (<c>Sep 27 11:33:05 host kernel: </c>, with fractional seconds), ISO syslog and <c>journalctl -o short-iso</c>
/// (<c>2025-08-30T06:58:55.050705+00:00 host kernel: </c>), <c>journalctl -o short-monotonic</c>
/// (<c>[ 8990.110988] host kernel: </c>), <c>dmesg --time-format iso</c> (<c>2025-08-12T03:54:03,123456+00:00 </c>) or
/// pm2's <c>2021-09-30T11:59:08: </c>; then the kernel's own — a raw priority (<c>&lt;3&gt;</c>, <c>dmesg -r</c>) or its
/// decoded form (<c>kern  :err   : </c>, <c>dmesg -x</c>), then a time since boot (<c>[ 3690.421554] </c>) or
/// <c>dmesg -T</c>'s date in any language (<c>[Di Aug 12 03:54:03 2025] </c>).
/// Times without a zone are taken as local; syslog times without a year get <see cref="DefaultYear"/>.
/// </summary>
public static partial class LogPrefix
{
    public readonly record struct Stripped(string Body, DateTimeOffset? Time, double? Uptime);

    [GeneratedRegex(@"^\[\s*(?<up>\d+\.\d+)\]\s?")]
    private static partial Regex DmesgRaw();

    [GeneratedRegex(@"^\[\S+\.?\s+(?<mon>\S+?)\.?\s+(?<day>\d{1,2})\s+(?<time>\d{1,2}:\d{2}:\d{2})\s+(?<year>\d{4})\]\s?")]
    private static partial Regex DmesgHuman();

    [GeneratedRegex(@"^(?<mon>[A-Za-z]{3})\s+(?<day>\d{1,2})\s+(?<time>\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s+\S+\s+(?<tag>[^:\s]+(?:\[\d+\])?):\s?")]
    private static partial Regex Syslog();

    [GeneratedRegex(@"^(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\s+\S+\s+(?<tag>[^:\s]+(?:\[\d+\])?):\s?")]
    private static partial Regex IsoSyslog();

    [GeneratedRegex(@"^(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?):\s")]
    private static partial Regex Pm2Time();

    // dmesg --time-format iso: a comma before the fraction, a zone, no host.
    [GeneratedRegex(@"^(?<iso>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}),(?<frac>\d+)(?<zone>[+-]\d{2}:?\d{2}|Z)\s+")]
    private static partial Regex DmesgIso();

    // journalctl -o short-monotonic: the time since boot, then the host and the tag.
    [GeneratedRegex(@"^\[\s*(?<up>\d+\.\d+)\]\s+\S+\s+(?<tag>[^:\s]+(?:\[\d+\])?):\s?")]
    private static partial Regex JournalMonotonic();

    // The kernel's priority as dmesg -r prints it (<3>, or <11> with the facility), or decoded as dmesg -x prints it.
    [GeneratedRegex(@"^(?:<\d{1,3}>|[a-z]+\s*:[a-z]+\s*:\s)")]
    private static partial Regex Priority();

    /// <summary>The year given to syslog lines, which carry none (the current year unless set).</summary>
    public static int DefaultYear { get; set; } = DateTime.Now.Year;

    // Month abbreviations of the locales dmesg -T and syslog are commonly seen in (en, de, fr, es, it, nl, pt).
    private static readonly Dictionary<string, int> Months = BuildMonths();

    public static Stripped Strip(string line)
    {
        string body = line;
        DateTimeOffset? time = null;
        double? uptime = null;
        Match m;
        // A syslog line as it travels the wire (RFC 3164) starts with its priority too.
        if ((m = Priority().Match(body)).Success && body[0] == '<') body = body[m.Length..];
        if ((m = IsoSyslog().Match(body)).Success)
        {
            time = ParseIso(m.Groups["iso"].Value);
            body = body[m.Length..];
        }
        else if ((m = Syslog().Match(body)).Success && Months.TryGetValue(m.Groups["mon"].Value.ToLowerInvariant(), out int mon))
        {
            int day = int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture);
            time = Local(DefaultYear, mon, day, m.Groups["time"].Value);
            // A line from December read in January belongs to last year.
            if (time > DateTimeOffset.Now.AddDays(1)) time = Local(DefaultYear - 1, mon, day, m.Groups["time"].Value);
            body = body[m.Length..];
        }
        else if ((m = JournalMonotonic().Match(body)).Success)
        {
            uptime = double.Parse(m.Groups["up"].Value, CultureInfo.InvariantCulture);
            body = body[m.Length..];
        }
        else if ((m = Pm2Time().Match(body)).Success)
        {
            time = ParseIso(m.Groups["iso"].Value);
            body = body[m.Length..];
        }
        if ((m = Priority().Match(body)).Success) body = body[m.Length..];
        if ((m = DmesgRaw().Match(body)).Success)
        {
            uptime = double.Parse(m.Groups["up"].Value, CultureInfo.InvariantCulture);
            body = body[m.Length..];
        }
        else if ((m = DmesgHuman().Match(body)).Success)
        {
            if (Months.TryGetValue(m.Groups["mon"].Value.ToLowerInvariant().TrimEnd('.'), out int mon2))
                time ??= Local(int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture), mon2, int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture), m.Groups["time"].Value);
            body = body[m.Length..];
        }
        else if ((m = DmesgIso().Match(body)).Success)
        {
            time ??= ParseIso($"{m.Groups["iso"].Value}.{m.Groups["frac"].Value}{m.Groups["zone"].Value}");
            body = body[m.Length..];
        }
        return new Stripped(body, time, uptime);
    }

    private static DateTimeOffset? ParseIso(string text)
    {
        // "+0000" (journalctl short-iso) is not understood by the round-trip parser: make it "+00:00".
        if (text.Length > 5 && (text[^5] == '+' || text[^5] == '-') && char.IsAsciiDigit(text[^4])) text = text[..^2] + ":" + text[^2..];
        var styles = text.EndsWith('Z') || text.Contains('+') || text.LastIndexOf('-') > 9 ? DateTimeStyles.None : DateTimeStyles.AssumeLocal;
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles, out var t) ? t : null;
    }

    private static DateTimeOffset? Local(int year, int month, int day, string time)
    {
        if (day < 1 || day > DateTime.DaysInMonth(year, month)) return null;
        if (!TimeSpan.TryParse(time, CultureInfo.InvariantCulture, out var tod)) return null;
        var local = new DateTime(year, month, day, 0, 0, 0, DateTimeKind.Local).Add(tod);
        return new DateTimeOffset(local);
    }

    private static Dictionary<string, int> BuildMonths()
    {
        var d = new Dictionary<string, int>(StringComparer.Ordinal);
        string[][] names =
        [
            ["jan", "ene", "gen", "janv", "jän"],
            ["feb", "fév", "févr", "fev", "fevr"],
            ["mar", "mär", "mars", "mrt"],
            ["apr", "avr", "abr"],
            ["may", "mai", "mei", "mag"],
            ["jun", "juin", "giu"],
            ["jul", "juil", "lug"],
            ["aug", "aoû", "août", "ago"],
            ["sep", "sept", "set"],
            ["oct", "okt", "ott", "out"],
            ["nov"],
            ["dec", "dez", "déc", "dic"],
        ];
        for (int i = 0; i < names.Length; i++)
            foreach (var n in names[i]) d[n] = i + 1;
        return d;
    }
}
