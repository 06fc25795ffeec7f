using System.Text;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Files;

/// <summary>Writes a file completely under a temporary name next to it, then renames it into place. The file is
/// owner-only (0600): what Heapdog writes this way (reports) quotes heap contents.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<TextWriter> write, bool overwrite)
    {
        if (!overwrite && File.Exists(path))
            throw new HeapdogException(ErrorKind.OutputExists, $"'{path}' exists; pass --force to overwrite it");
        string temp = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(temp, new UTF8Encoding(false), options))
                write(writer);
            File.Move(temp, path, overwrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new HeapdogException(ErrorKind.OutputFailed, $"cannot write '{path}': {WriteFailure.Describe(ex)}", ex);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
