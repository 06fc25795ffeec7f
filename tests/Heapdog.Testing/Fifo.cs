using System.Diagnostics;

namespace Heapdog.Testing;

/// <summary>Named pipes for tests of inputs that are not regular files: opening one for reading blocks until a writer
/// comes, so a command that reads it without looking first hangs.</summary>
public static class Fifo
{
    /// <summary>Makes a FIFO at <paramref name="path"/> with <c>mkfifo(1)</c>; returns the path.</summary>
    public static string Make(string path)
    {
        var start = new ProcessStartInfo("mkfifo") { RedirectStandardError = true };
        start.ArgumentList.Add(path);
        using var mkfifo = Process.Start(start)!;
        string error = mkfifo.StandardError.ReadToEnd();
        mkfifo.WaitForExit();
        if (mkfifo.ExitCode != 0) throw new InvalidOperationException($"mkfifo {path} failed: {error}");
        return path;
    }
}
