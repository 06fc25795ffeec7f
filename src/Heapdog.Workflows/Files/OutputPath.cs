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
            throw new HeapdogException(ErrorKind.OutputExists, $"{full} already exists; choose another name or pass --overwrite");
        string directory = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(directory))
            throw new HeapdogException(ErrorKind.OutputFailed, $"cannot write {full}: directory {directory} does not exist");
        return full;
    }

    /// <summary>Writes through a hidden temporary file in the same directory, renamed only once complete.</summary>
    public static async Task WriteAsync(string path, bool overwrite, Func<Stream, Task> write)
    {
        string partial = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.partial");
        bool done = false;
        try
        {
            await using (var stream = new FileStream(partial, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                await write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(partial, path, overwrite);
            done = true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HeapdogException(ErrorKind.OutputFailed, $"cannot write {path}: {ex.Message}", ex);
        }
        finally
        {
            if (!done) File.Delete(partial);
        }
    }
}
