namespace Heapdog.Workflows.Files;

/// <summary>
/// The hidden <c>.NAME.&lt;32 hex digits&gt;.partial</c> files that a capture or an output write killed mid-way
/// (<c>kill -9</c>, a crash, power loss) leaves behind, removed by the next one into the same directory.
/// </summary>
/// <remarks>
/// A file is removed only if it has Heapdog's own name and no live process holds it. Every writer of such a file keeps it
/// open with <see cref="FileShare.None"/>, which on Unix is an exclusive <c>flock</c> that the kernel drops when the holder
/// dies: a file that can be locked the same way has no writer left. Age would not tell: a live capture may write nothing
/// for minutes while the target builds its snapshot. With .NET's file locking turned off nothing is removed, since a live
/// file could not be told from a dead one. Links and special files are left alone (opening a FIFO would block).
/// </remarks>
public static class LeftoverPartials
{
    private const string Suffix = ".partial";
    private const int GuidLength = 32;

    public static void Remove(string directory)
    {
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true"
            || (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out bool disabled) && disabled)) return;
        try
        {
            foreach (string path in Directory.EnumerateFiles(directory, ".*" + Suffix))
            {
                if (!IsPartialName(Path.GetFileName(path)) || new FileInfo(path).LinkTarget is not null || SpecialFile.Describe(path) is not null)
                    continue;
                try
                {
                    using var held = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
                    File.Delete(path);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Held by a live writer, or not ours to remove.
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable directory: the capture itself will say what is wrong with it.
        }
    }

    /// <summary>".NAME.&lt;32 lowercase hex digits&gt;.partial", the name Heapdog gives a file it is writing.</summary>
    public static bool IsPartialName(string name)
    {
        if (name.Length < 1 + 1 + 1 + GuidLength + Suffix.Length || name[0] != '.' || !name.EndsWith(Suffix, StringComparison.Ordinal)) return false;
        int guidStart = name.Length - Suffix.Length - GuidLength;
        if (name[guidStart - 1] != '.') return false;
        foreach (char c in name.AsSpan(guidStart, GuidLength))
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c)) return false;
        return true;
    }
}
