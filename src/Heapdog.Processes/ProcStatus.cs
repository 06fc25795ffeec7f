using System.Globalization;

namespace Heapdog.Processes;

/// <summary>Memory figures from <c>/proc/PID/status</c>, in bytes (the file says kB, meaning KiB).
/// A field the kernel does not print reads -1 (RssAnon and friends appeared in Linux 4.5).</summary>
public sealed record ProcStatus(
    string Name,
    long RssBytes,
    long PeakRssBytes,
    long RssAnonBytes,
    long RssFileBytes,
    long RssShmemBytes,
    long SwapBytes,
    int Threads)
{
    /// <summary>Parses the text of a status file; null when it carries no VmRSS (a kernel thread or a malformed file).</summary>
    public static ProcStatus? Parse(string text)
    {
        string name = "";
        long rss = -1, hwm = -1, anon = -1, file = -1, shmem = -1, swap = -1, threads = -1;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            int colon = raw.IndexOf(':');
            if (colon <= 0) continue;
            var key = raw[..colon];
            var value = raw[(colon + 1)..].Trim();
            switch (key)
            {
                case "Name": name = value.ToString(); break;
                case "VmRSS": rss = Kib(value); break;
                case "VmHWM": hwm = Kib(value); break;
                case "RssAnon": anon = Kib(value); break;
                case "RssFile": file = Kib(value); break;
                case "RssShmem": shmem = Kib(value); break;
                case "VmSwap": swap = Kib(value); break;
                case "Threads":
                    threads = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long t) ? t : -1;
                    break;
            }
        }
        if (rss < 0) return null;
        return new ProcStatus(name, rss, hwm, anon, file, shmem, swap, (int)threads);
    }

    /// <summary>The <c>NSpid</c> line: the pid in each nested pid namespace, the host's first and the innermost last;
    /// empty when the kernel does not print it (before 4.1) or the text is malformed.</summary>
    public static IReadOnlyList<int> ParseNamespacePids(string text)
    {
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            if (!raw.StartsWith("NSpid:")) continue;
            var pids = new List<int>();
            foreach (var range in raw[6..].Trim().SplitAny(" \t"))
            {
                var token = raw[6..].Trim()[range];
                if (token.IsEmpty) continue;
                if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) return [];
                pids.Add(pid);
            }
            return pids;
        }
        return [];
    }

    /// <summary>"12345 kB" → bytes; -1 when not a number.</summary>
    internal static long Kib(ReadOnlySpan<char> value)
    {
        int space = value.IndexOf(' ');
        var digits = space < 0 ? value : value[..space];
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long kib) ? kib * 1024 : -1;
    }
}
