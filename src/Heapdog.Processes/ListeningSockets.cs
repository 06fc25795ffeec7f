using System.Globalization;
using System.Net;

namespace Heapdog.Processes;

/// <summary>
/// Listening TCP sockets, from <c>/proc/net/tcp</c> and <c>tcp6</c>, tied to processes through the socket inodes in
/// <c>/proc/PID/fd</c>: which ports a process listens on, and which process holds a port.
/// </summary>
public static class ListeningSockets
{
    private const string ListenState = "0A";

    /// <summary>The TCP sockets <paramref name="pid"/> listens on, in its own network namespace.</summary>
    /// <exception cref="UnauthorizedAccessException">The process's file descriptors cannot be read.</exception>
    public static List<IPEndPoint> OfProcess(int pid)
    {
        var inodes = SocketInodes(pid);
        var found = new List<IPEndPoint>();
        foreach (var (endpoint, inode) in Read($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/net"))
            if (inodes.Contains(inode)) found.Add(endpoint);
        return found;
    }

    /// <summary>The pid listening on TCP <paramref name="port"/> in the network namespace whose tables are in
    /// <paramref name="netDir"/> (<c>/proc/net</c>: ours; <c>/proc/PID/net</c>: that process's), or null if none (or unreadable).</summary>
    public static int? PortHolder(int port, string netDir = "/proc/net")
    {
        var wanted = new HashSet<long>();
        foreach (var (endpoint, inode) in Read(netDir))
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

    /// <summary>
    /// The listening sockets of one <c>/proc/net/tcp</c> or <c>tcp6</c> file, with their inodes. Columns:
    /// <c>sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode</c>; the header and malformed lines
    /// are skipped.
    /// </summary>
    public static List<(IPEndPoint Endpoint, long Inode)> Parse(string text)
    {
        var found = new List<(IPEndPoint, long)>();
        Span<Range> f = stackalloc Range[11];
        bool header = true;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (header)
            {
                header = false;
                continue;
            }
            var trimmed = line.Trim(' ');
            if (trimmed.Split(f, ' ', StringSplitOptions.RemoveEmptyEntries) < 10 || !trimmed[f[3]].SequenceEqual(ListenState)) continue;
            var local = trimmed[f[1]];
            int colon = local.IndexOf(':');
            if (colon < 0
                || ParseAddress(local[..colon]) is not { } address
                || !int.TryParse(local[(colon + 1)..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int port)
                || !long.TryParse(trimmed[f[9]], NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
                continue;
            found.Add((new IPEndPoint(address, port), inode));
        }
        return found;
    }

    private static IEnumerable<(IPEndPoint Endpoint, long Inode)> Read(string netDir)
    {
        foreach (var file in new[] { "tcp", "tcp6" })
        {
            if (ProcFile.ReadText(Path.Combine(netDir, file)) is not { } text) continue;
            foreach (var socket in Parse(text)) yield return socket;
        }
    }

    /// <summary>The kernel prints an address as 32-bit words, each in host (little-endian) order: 8 hex digits for
    /// IPv4, 32 for IPv6.</summary>
    private static IPAddress? ParseAddress(ReadOnlySpan<char> hex)
    {
        if (hex.Length is not (8 or 32)) return null;
        var bytes = new byte[hex.Length / 2];
        for (int word = 0; word < bytes.Length / 4; word++)
        {
            if (!uint.TryParse(hex.Slice(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint value)) return null;
            BitConverter.TryWriteBytes(bytes.AsSpan(word * 4, 4), value);
        }
        return new IPAddress(bytes);
    }

    private static HashSet<long> SocketInodes(int pid)
    {
        var inodes = new HashSet<long>();
        try
        {
            foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd"))
            {
                string? target;
                try { target = new FileInfo(fd).LinkTarget; }
                catch (IOException) { continue; }
                // "socket:[12345]"
                if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal) && target.EndsWith(']')
                    && long.TryParse(target.AsSpan(8, target.Length - 9), NumberStyles.None, CultureInfo.InvariantCulture, out long inode))
                    inodes.Add(inode);
            }
        }
        catch (DirectoryNotFoundException)
        {
        }
        return inodes;
    }
}
