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
    /// <summary>True when the process is stopped: by a signal (SIGSTOP, SIGTSTP; state T) or by a tracer (state t).</summary>
    public bool IsStopped => State is 'T' or 't';

    /// <summary>Parses one <c>stat</c> line; null when it is malformed. The comm may hold spaces and parentheses, so
    /// fields are counted from the last ')'.</summary>
    public static ProcStat? Parse(string text)
    {
        int open = text.IndexOf('(');
        int close = text.LastIndexOf(')');
        if (open <= 0 || close < open) return null;
        if (!int.TryParse(text.AsSpan(0, open).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return null;
        string comm = text.Substring(open + 1, close - open - 1);
        // After ")": field 3 (state) comes first. Walk the fields as spans: this runs for every process every round.
        var rest = text.AsSpan(close + 1);
        Span<long> values = stackalloc long[25];
        char state = '\0';
        int field = 3;
        while (field <= 24)
        {
            rest = rest.TrimStart(' ');
            if (rest.IsEmpty) return null;
            int end = rest.IndexOf(' ');
            var token = end < 0 ? rest : rest[..end];
            if (field == 3)
            {
                if (token.Length != 1) return null;
                state = token[0];
            }
            else if (field is 4 or 14 or 15 or 20 or 22 or 23 or 24
                && !long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[field]))
            {
                return null;
            }
            rest = end < 0 ? [] : rest[end..];
            field++;
        }
        return new ProcStat(pid, comm, state, (int)values[4], values[14], values[15], (int)values[20], values[22], values[23], values[24]);
    }
}
