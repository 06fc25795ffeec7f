namespace Heapdog.Workflows.Files;

/// <summary>Directories Heapdog creates for what it writes (snapshots, indexes, reports): owner-only (0700), as the
/// files in them hold heap contents. A directory that already exists keeps its mode: it is the user's.</summary>
public static class PrivateDirectory
{
    public const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates <paramref name="path"/> and any missing parent, each 0700; nothing when it exists.</summary>
    public static DirectoryInfo Create(string path)
    {
        if (OperatingSystem.IsWindows()) return Directory.CreateDirectory(path);
        // Directory.CreateDirectory(path, mode) gives the mode to the last directory only: its parents get 0777 & ~umask.
        string full = Path.GetFullPath(path);
        var missing = new Stack<string>();
        for (string? d = full; d is not null && !Directory.Exists(d); d = Path.GetDirectoryName(d)) missing.Push(d);
        while (missing.TryPop(out string? d)) Directory.CreateDirectory(d, Mode);
        return new DirectoryInfo(full);
    }
}
