using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Heapdog.Processes;

/// <summary>
/// Reads small /proc files with one open and a reused buffer: the watcher reads a few files per process per second,
/// and the general-purpose File.ReadAllText (stream, reader, growing builder) costs several times more per call.
/// Not thread-safe per instance.
/// </summary>
internal sealed class ProcFile
{
    [ThreadStatic]
    private static byte[]? t_buffer;

    /// <summary>The file's text (ASCII/UTF-8), or null when it cannot be read.</summary>
    public static string? ReadText(string path)
    {
        var buffer = t_buffer ??= new byte[16 * 1024];
        try
        {
            using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            int total = 0;
            while (true)
            {
                if (total == buffer.Length)
                {
                    Array.Resize(ref buffer, buffer.Length * 2);
                    t_buffer = buffer;
                }
                // /proc files report size 0 and are generated on read: read until a read returns nothing.
                int n = RandomAccess.Read(handle, buffer.AsSpan(total), total);
                if (n == 0) break;
                total += n;
            }
            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
