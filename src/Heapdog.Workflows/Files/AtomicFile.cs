using System.Text;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Files;

/// <summary>Writes a file completely under a temporary name next to it, then renames it into place.</summary>
public static class AtomicFile
{
    public static void Write(string path, Action<TextWriter> write, bool overwrite)
    {
        if (!overwrite && File.Exists(path))
            throw new HeapdogException(ErrorKind.OutputExists, $"'{path}' exists; pass --force to overwrite it");
        string temp = Path.Combine(Path.GetDirectoryName(path) ?? ".", $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)))
                write(writer);
            File.Move(temp, path, overwrite);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new HeapdogException(ErrorKind.OutputFailed, $"cannot write '{path}': {ex.Message}", ex);
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
