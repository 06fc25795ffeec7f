using System.Globalization;

namespace Heapdog.Processes;

/// <summary>
/// Reads a process from <c>/proc</c> without touching it (no signal, no inspector). All methods return null or -1
/// instead of throwing when the process is gone or a file is unreadable, since a process can exit between two reads.
/// </summary>
public static class ProcessReader
{
    /// <summary>USER_HZ: the unit of times in <c>/proc/PID/stat</c>; 100 on every Linux architecture Node runs on.</summary>
    public const int TicksPerSecond = 100;

    private static readonly Lazy<DateTimeOffset> Boot = new(() => ParseBootTime(TryReadText("/proc/stat") ?? "") ?? DateTimeOffset.UnixEpoch);

    /// <summary>When this host booted (the <c>btime</c> of <c>/proc/stat</c>): turns kernel uptimes into times.</summary>
    public static DateTimeOffset BootTime => Boot.Value;

    /// <summary>Reads the process, or null when it does not exist, is a kernel thread or cannot be read.</summary>
    public static ProcessInfo? TryRead(int pid) => TryRead(pid, "/proc");

    internal static ProcessInfo? TryRead(int pid, string procRoot)
    {
        string dir = Path.Combine(procRoot, pid.ToString(CultureInfo.InvariantCulture));
        var stat = TryReadText(Path.Combine(dir, "stat")) is { } statText ? ProcStat.Parse(statText) : null;
        if (stat is null) return null;
        var status = TryReadText(Path.Combine(dir, "status")) is { } statusText ? ProcStatus.Parse(statusText) : null;
        if (status is null) return null;
        string comm = (TryReadText(Path.Combine(dir, "comm")) ?? stat.Comm).TrimEnd('\n');
        var cmdline = ParseCommandLine(TryReadText(Path.Combine(dir, "cmdline")) ?? "");
        var info = new ProcessInfo(
            new ProcessIdentity(pid, stat.StartTicks),
            comm,
            cmdline,
            stat,
            status,
            CountEntries(Path.Combine(dir, "fd")),
            ReadInt(Path.Combine(dir, "oom_score")),
            ReadInt(Path.Combine(dir, "oom_score_adj")),
            Boot.Value.AddSeconds(stat.StartTicks / (double)TicksPerSecond));
        // A pid reused between the two reads would mix two processes: trust the reading only if stat still agrees.
        var again = TryReadText(Path.Combine(dir, "stat")) is { } t2 ? ProcStat.Parse(t2) : null;
        return again?.StartTicks == stat.StartTicks ? info : null;
    }

    /// <summary>Reads only <c>stat</c>: the cheap way to learn a pid's identity and CPU ticks.</summary>
    public static ProcStat? TryReadStat(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat") is { } text ? ProcStat.Parse(text) : null;

    /// <summary>True while the process exists and is neither a zombie nor dead (state Z or X in <c>stat</c>).</summary>
    public static bool IsAlive(int pid) => TryReadStat(pid) is { State: not ('Z' or 'X') };

    /// <summary>
    /// Whether <paramref name="pid"/> is gone within <paramref name="wait"/>: a killed process closes its sockets a
    /// moment before it leaves the process table, so a dropped connection alone does not tell.
    /// </summary>
    public static bool WaitForExit(int pid, TimeSpan wait)
    {
        long deadline = Environment.TickCount64 + (long)wait.TotalMilliseconds;
        while (IsAlive(pid))
        {
            if (Environment.TickCount64 > deadline) return false;
            Thread.Sleep(20);
        }
        return true;
    }

    /// <summary>The name in <c>comm</c> (at most 15 characters; a process title may have replaced "node"), or null
    /// when the process is gone.</summary>
    public static string? TryReadComm(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/comm")?.TrimEnd('\n');

    /// <summary>The arguments in <c>cmdline</c>; empty when the process is gone or unreadable.</summary>
    public static IReadOnlyList<string> TryReadCommandLine(int pid) =>
        ParseCommandLine(TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline") ?? "");

    /// <summary>The value <paramref name="name"/> had in the process's environment when it started (<c>environ</c>),
    /// or null when it was not set or the file is unreadable (another user's process).</summary>
    public static string? TryReadEnvironmentVariable(int pid, string name) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ") is { } text ? ParseEnvironmentVariable(text, name) : null;

    /// <summary>NUL-separated <c>NAME=value</c> entries of <c>environ</c> → the first value of <paramref name="name"/>.</summary>
    public static string? ParseEnvironmentVariable(string environ, string name)
    {
        foreach (var entry in environ.AsSpan().Split('\0'))
        {
            var variable = environ.AsSpan(entry);
            if (variable.Length > name.Length && variable[name.Length] == '=' && variable.StartsWith(name, StringComparison.Ordinal))
                return variable[(name.Length + 1)..].ToString();
        }
        return null;
    }

    /// <summary>Reads <c>statm</c>: the cheapest way to RSS and its anonymous part, as (rss, anon) in bytes.</summary>
    public static (long Rss, long Anon)? TryReadStatm(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/statm") is { } text ? ParseStatm(text) : null;

    /// <summary>statm fields are pages: size resident shared text lib data dt; shared = file-backed + shmem, so
    /// resident − shared is the anonymous part (RssAnon).</summary>
    public static (long Rss, long Anon)? ParseStatm(string text)
    {
        var rest = text.AsSpan().Trim();
        Span<long> v = stackalloc long[3];
        for (int i = 0; i < 3; i++)
        {
            int end = rest.IndexOf(' ');
            var token = end < 0 ? rest : rest[..end];
            if (!long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out v[i])) return null;
            rest = end < 0 ? [] : rest[(end + 1)..].TrimStart(' ');
        }
        if (v[2] > v[1]) return null;
        return (v[1] * Environment.SystemPageSize, (v[1] - v[2]) * Environment.SystemPageSize);
    }

    /// <summary>Reads only <c>status</c> (RSS and its parts).</summary>
    public static ProcStatus? TryReadStatus(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status") is { } text ? ProcStatus.Parse(text) : null;

    /// <summary>The pid as the process's own (innermost) pid namespace numbers it: in a container, what it calls
    /// <c>process.pid</c>; <paramref name="pid"/> itself when it shares ours or the kernel does not say.</summary>
    public static int InnermostPid(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status") is { } text && ProcStatus.ParseNamespacePids(text) is { Count: > 0 } pids
            ? pids[^1]
            : pid;

    /// <summary>Splits the heap from native memory using <c>/proc/PID/maps</c>; see <see cref="AddressSpaceLayout"/>.</summary>
    public static AddressSpaceLayout? TryReadLayout(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/maps") is { } text ? AddressSpaceLayout.Parse(text) : null;

    /// <summary>Number of open file descriptors (entries of <c>/proc/PID/fd</c>); -1 when unreadable.</summary>
    public static int CountOpenFds(int pid) => CountEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd");

    /// <summary>An integer file of the process (<c>oom_score</c>, <c>oom_score_adj</c>); -1 when unreadable.</summary>
    public static int TryReadInt(int pid, string file) => ReadInt($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/{file}");

    /// <summary>Target of <c>/proc/PID/exe</c>, or null when unreadable (other users' processes without privilege).</summary>
    public static string? TryReadExe(int pid)
    {
        try { return new FileInfo($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/exe").LinkTarget; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>NUL-separated <c>cmdline</c> → arguments. A process that rewrote its title may use spaces instead.</summary>
    public static IReadOnlyList<string> ParseCommandLine(string text) =>
        text.Split('\0', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The <c>btime</c> line of <c>/proc/stat</c>: boot time in unix seconds.</summary>
    public static DateTimeOffset? ParseBootTime(string procStat)
    {
        foreach (var line in procStat.AsSpan().EnumerateLines())
        {
            if (line.StartsWith("btime ") && long.TryParse(line[6..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long s))
                return DateTimeOffset.FromUnixTimeSeconds(s);
        }
        return null;
    }

    internal static string? TryReadText(string path) => ProcFile.ReadText(path);

    private static int ReadInt(string path) =>
        TryReadText(path) is { } text && int.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : -1;

    private static int CountEntries(string dir)
    {
        try
        {
            // Count in the filter and include nothing: no path string or attributes per entry.
            int n = 0;
            var entries = new System.IO.Enumeration.FileSystemEnumerable<int>(dir, (ref System.IO.Enumeration.FileSystemEntry _) => 0)
            {
                ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry _) => { n++; return false; },
            };
            foreach (var _ in entries) { }
            return n;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
    }
}
