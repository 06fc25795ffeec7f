using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;

namespace Heapdog.Inspector;

/// <summary>
/// The little of Linux /proc the inspector needs: is a pid alive and Node, which TCP ports it listens on, who holds a
/// port, and signals. Host-wide process listing and cgroups live in Heapdog.Processes.
/// </summary>
internal static class ProcFs
{
    public const int SigUsr1 = 10;
    private const int Eperm = 1;
    private const int Esrch = 3;

    /// <summary>True while the process exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            int close = stat.LastIndexOf(')');
            return close > 0 && close + 2 < stat.Length && stat[close + 2] != 'Z' && stat[close + 2] != 'X';
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether <paramref name="pid"/> is gone within <paramref name="wait"/>: a killed process closes its sockets a moment
    /// before it leaves the process table, so a dropped connection alone does not tell.
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

    public static IReadOnlyList<string> CommandLine(int pid)
    {
        try { return Heapdog.Processes.ProcessReader.ParseCommandLine(File.ReadAllText($"/proc/{pid}/cmdline")); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return []; }
    }

    public static string Comm(int pid)
    {
        try { return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n'); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return "?"; }
    }

    /// <summary>The TCP sockets <paramref name="pid"/> listens on, in its own network namespace.</summary>
    /// <exception cref="UnauthorizedAccessException">The process's file descriptors cannot be read.</exception>
    public static List<IPEndPoint> ListeningEndpoints(int pid)
    {
        var inodes = SocketInodes(pid);
        var found = new List<IPEndPoint>();
        foreach (var (endpoint, inode) in ListeningSockets($"/proc/{pid}/net"))
            if (inodes.Contains(inode)) found.Add(endpoint);
        return found;
    }

    /// <summary>The pid listening on TCP <paramref name="port"/> in this namespace, or null if none (or unreadable).</summary>
    public static int? PortHolder(int port)
    {
        var wanted = new HashSet<long>();
        foreach (var (endpoint, inode) in ListeningSockets("/proc/net"))
            if (endpoint.Port == port) wanted.Add(inode);
        if (wanted.Count == 0) return null;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)) continue;
            try
            {
                foreach (long inode in SocketInodes(pid))
                    if (wanted.Contains(inode)) return pid;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Exited meanwhile or not ours to read.
            }
        }
        return null;
    }

    private static HashSet<long> SocketInodes(int pid)
    {
        var inodes = new HashSet<long>();
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                string? target;
                try { target = new FileInfo(fd).LinkTarget; }
                catch (IOException) { continue; }
                // "socket:[12345]"
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)
                    && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
                    inodes.Add(inode);
            }
        }
        catch (DirectoryNotFoundException)
        {
        }
        return inodes;
    }

    private static IEnumerable<(IPEndPoint Endpoint, long Inode)> ListeningSockets(string netDir)
    {
        foreach (var file in new[] { "tcp", "tcp6" })
        {
            string[] lines;
            try { lines = File.ReadAllLines(Path.Combine(netDir, file)); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { continue; }
            for (int i = 1; i < lines.Length; i++)
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                var f = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (f.Length < 10 || f[3] != "0A") continue;
                int colon = f[1].IndexOf(':');
                if (colon < 0) continue;
                var address = ParseAddress(f[1].AsSpan(0, colon));
                int port = int.Parse(f[1].AsSpan(colon + 1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                yield return (new IPEndPoint(address, port), long.Parse(f[9], CultureInfo.InvariantCulture));
            }
        }
    }

    // The kernel prints each 32-bit word of the address in host (little-endian) order.
    private static IPAddress ParseAddress(ReadOnlySpan<char> hex)
    {
        var bytes = new byte[hex.Length / 2];
        for (int word = 0; word < bytes.Length / 4; word++)
        {
            uint value = uint.Parse(hex.Slice(word * 8, 8), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            BitConverter.TryWriteBytes(bytes.AsSpan(word * 4, 4), value);
        }
        return new IPAddress(bytes);
    }

    /// <summary>Sends <paramref name="signal"/>; maps ESRCH and EPERM to the inspector's error kinds.</summary>
    public static void Signal(int pid, int signal)
    {
        if (kill(pid, signal) == 0) return;
        int errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            Esrch => new InspectorException(InspectorErrorKind.ProcessGone, $"no process with pid {pid}"),
            Eperm => new InspectorException(InspectorErrorKind.PermissionDenied,
                $"not permitted to signal pid {pid} ({Comm(pid)}): run Heapdog as the process's user or as root"),
            _ => new InspectorException(InspectorErrorKind.PermissionDenied, $"cannot signal pid {pid}: errno {errno}"),
        };
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);
}
