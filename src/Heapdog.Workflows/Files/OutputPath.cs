using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Files;

/// <summary>Where a command writes its file: never over an existing file unless asked, and into a directory that exists.</summary>
public static class OutputPath
{
    /// <summary><c>heapdog-PID-YYYYMMDD-HHMMSS.EXT</c> in the current directory (UTC time).</summary>
    public static string Default(int? pid, string extension) =>
        Path.GetFullPath($"heapdog-{(pid is int p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "remote")}-{DateTime.UtcNow:yyyyMMdd-HHmmss}{extension}");

    public static string Check(string path, bool overwrite)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new HeapdogException(ErrorKind.BadRequest, $"{full} is a directory; give a file name");
        if (File.Exists(full) && !overwrite)
            throw new HeapdogException(ErrorKind.OutputExists, $"{full} already exists; choose another name or pass --force to replace it");
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new HeapdogException(ErrorKind.OutputFailed, $"cannot write {full}: directory {directory} does not exist");
        return full;
    }

    /// <summary>Whether two paths name one file: the same full path once symbolic links are resolved, in the file
    /// and in its directories. (Two hard links to one file are not told apart.)</summary>
    public static bool SameFile(string a, string b) =>
        string.Equals(Resolve(a), Resolve(b), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);

    /// <summary>The full path of <paramref name="path"/> with every symbolic link in it resolved, as far as it exists.</summary>
    private static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            if (File.ResolveLinkTarget(full, returnFinalTarget: true) is { } target) full = target.FullName;
            string? directory = Path.GetDirectoryName(full);
            if (directory is null) return full;
            string resolvedDirectory = Resolve(directory);
            return Path.Combine(resolvedDirectory, Path.GetFileName(full));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return full;
        }
    }

    /// <summary>Writes through a hidden temporary file in the same directory, renamed only once complete; the file is
    /// owner-only (0600), as what it holds comes from the process.</summary>
    public static async Task WriteAsync(string path, bool overwrite, Func<Stream, Task> write)
    {
        LeftoverPartials.Remove(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string partial = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        bool done = false;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            await using (var stream = new FileStream(partial, options))
            {
                await write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(partial, path, overwrite);
            done = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw WriteFailure.Of(ex, path);
        }
        finally
        {
            if (!done) File.Delete(partial);
        }
    }
}
