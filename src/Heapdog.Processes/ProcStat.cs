using System.Globalization;

namespace Heapdog.Processes;

/// <summary>The fields of <c>/proc/PID/stat</c> Heapdog uses. Times are in clock ticks (USER_HZ, 100 on Linux).</summary>
public sealed record ProcStat(
    int Pid,
    string Comm,
    char State,
    int ParentPid,
    long UserTicks,
    long SystemTicks,
    int Threads,
    long StartTicks,
    long VirtualBytes,
    long RssPages)
{
    /// <summary>Parses one <c>stat</c> line; null when it is malformed. The comm may hold spaces and parentheses, so
    /// fields are counted from the last ')'.</summary>
    public static ProcStat? Parse(string text)
    {
        int open = text.IndexOf('(');
        int close = text.LastIndexOf(')');
        if (open <= 0 || close < open) return null;
        if (!int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return null;
        string comm = text.Substring(open + 1, close - open - 1);
        // After ")": field 3 (state) is index 0 here; field N is index N - 3.
        var rest = text[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (rest.Length < 22 || rest[0].Length != 1) return null;
        if (!TryLong(rest, 4 - 3, out long ppid) || !TryLong(rest, 14 - 3, out long utime) || !TryLong(rest, 15 - 3, out long stime)
            || !TryLong(rest, 20 - 3, out long threads) || !TryLong(rest, 22 - 3, out long start)
            || !TryLong(rest, 23 - 3, out long vsize) || !TryLong(rest, 24 - 3, out long rss))
            return null;
        return new ProcStat(pid, comm, rest[0][0], (int)ppid, utime, stime, (int)threads, start, vsize, rss);
    }

    private static bool TryLong(string[] fields, int index, out long value) =>
        long.TryParse(fields[index], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
