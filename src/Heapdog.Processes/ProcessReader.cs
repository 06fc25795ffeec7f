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

    private static readonly Lazy<DateTimeOffset> BootTime = new(() => ParseBootTime(TryReadText("/proc/stat") ?? "") ?? DateTimeOffset.UnixEpoch);

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
            BootTime.Value.AddSeconds(stat.StartTicks / (double)TicksPerSecond));
        // A pid reused between the two reads would mix two processes: trust the reading only if stat still agrees.
        var again = TryReadText(Path.Combine(dir, "stat")) is { } t2 ? ProcStat.Parse(t2) : null;
        return again?.StartTicks == stat.StartTicks ? info : null;
    }

    /// <summary>Reads only <c>stat</c>: the cheap way to learn a pid's identity and CPU ticks.</summary>
    public static ProcStat? TryReadStat(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat") is { } text ? ProcStat.Parse(text) : null;

    /// <summary>Reads only <c>status</c> (RSS and its parts).</summary>
    public static ProcStatus? TryReadStatus(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status") is { } text ? ProcStatus.Parse(text) : null;

    /// <summary>Splits the heap from native memory using <c>/proc/PID/maps</c>; see <see cref="AddressSpaceLayout"/>.</summary>
    public static AddressSpaceLayout? TryReadLayout(int pid) =>
        TryReadText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/maps") is { } text ? AddressSpaceLayout.Parse(text) : null;

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

    internal static string? TryReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    private static int ReadInt(string path) =>
        TryReadText(path) is { } text && int.TryParse(text.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) ? v : -1;

    private static int CountEntries(string dir)
    {
        try
        {
            int n = 0;
            foreach (var _ in Directory.EnumerateFileSystemEntries(dir)) n++;
            return n;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return -1; }
    }
}
