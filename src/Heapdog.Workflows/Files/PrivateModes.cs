using System.Collections.Concurrent;
using System.Globalization;

namespace Heapdog.Workflows.Files;

/// <summary>
/// Existing files Heapdog writes (the store and its journals, snapshots, indexes) that others may read: Heapdog creates
/// them 0600 (directories 0700), but one left by an older Heapdog, copied in, or chmod'ed keeps its wider mode. Each is
/// named once per run with its mode; with <c>--fix-modes</c> it is made owner-only instead.
/// </summary>
public static class PrivateModes
{
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    // Once per path and run: a dashboard that reopens an index every few minutes must not repeat itself.
    private static readonly ConcurrentDictionary<string, byte> Warned = new(StringComparer.Ordinal);

    /// <summary>The store's files: the database and its <c>-wal</c> and <c>-shm</c> journals.</summary>
    public static IEnumerable<string> StoreFiles(string path) => [path, path + "-wal", path + "-shm"];

    /// <summary>
    /// Checks each existing path (file or directory; missing ones are skipped). One with group or other permission bits
    /// is told through <paramref name="notice"/> ("warning: PATH is mode 0644: …"), or, when <paramref name="fix"/>,
    /// changed to 0600 (a directory to 0700) and the change told.
    /// </summary>
    public static void Check(IEnumerable<string> paths, bool fix, Action<string> notice)
    {
        if (OperatingSystem.IsWindows()) return;
        foreach (string path in paths)
        {
            bool directory = Directory.Exists(path);
            if (!directory && !System.IO.File.Exists(path)) continue;
            UnixFileMode mode;
            try { mode = System.IO.File.GetUnixFileMode(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            if ((mode & GroupOrOther) == 0) continue;
            var wanted = directory ? PrivateDirectory.Mode : File;
            if (fix)
            {
                try
                {
                    System.IO.File.SetUnixFileMode(path, wanted);
                    notice($"{path} was mode {Octal(mode)}, now {Octal(wanted)} (--fix-modes)");
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    notice($"warning: cannot make {path} owner-only (mode {Octal(mode)}): {e.Message}");
                }
            }
            else if (Warned.TryAdd(path, 0))
            {
                notice($"warning: {path} is mode {Octal(mode)}: others may read it, and it holds heap contents; " +
                       $"pass --fix-modes to make it {Octal(wanted)}");
            }
        }
    }

    private static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0x1FF, 8).PadLeft(3, '0');
}
