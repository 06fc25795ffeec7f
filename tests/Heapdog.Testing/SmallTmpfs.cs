using System.Diagnostics;

namespace Heapdog.Testing;

/// <summary>
/// A real, small tmpfs mounted on a fresh directory (mode 0700), for the faults of a real file system: fill it up
/// (<see cref="Fill"/>), free it again (<see cref="Empty"/>), make it read-only (<see cref="RemountReadOnly"/>).
/// Unmounted and removed on dispose. Mounting needs root: tests that need one are skipped, with the reason in
/// <see cref="Unavailable"/>, where it cannot be mounted.
/// </summary>
public sealed class SmallTmpfs : IDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private static readonly Lazy<string?> Probe = new(ProbeMount);
    private readonly TempDirectory _directory;
    private bool _mounted;

    public SmallTmpfs(int megabytes = 4)
    {
        _directory = new TempDirectory("heapdog-tmpfs-");
        try
        {
            Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m,mode=0700", "tmpfs", _directory.Path);
            _mounted = true;
        }
        catch
        {
            _directory.Dispose();
            throw;
        }
    }

    /// <summary>Why no tmpfs can be mounted here (not root, no mount permission in this container), or null.</summary>
    public static string? Unavailable => Probe.Value;

    public string Path => _directory.Path;

    /// <summary>The path of <paramref name="name"/> on the tmpfs (nothing is created).</summary>
    public string File(string name) => _directory.File(name);

    private string Filler => File(".filler");

    /// <summary>Writes a filler file until the device has no space left, then frees <paramref name="leaveBytes"/> of it.</summary>
    public void Fill(long leaveBytes = 0)
    {
        var block = new byte[64 * 1024];
        using (var filler = new FileStream(Filler, FileMode.Append, FileAccess.Write, FileShare.Read, 1))
        {
            try
            {
                while (true) filler.Write(block);
            }
            catch (IOException)
            {
                // ENOSPC: full.
            }
            if (leaveBytes > 0) filler.SetLength(Math.Max(0, filler.Length - leaveBytes));
        }
        if (leaveBytes == 0 && new DriveInfo(Path).AvailableFreeSpace is var free and > 0)
            throw new InvalidOperationException($"the tmpfs at {Path} still has {free} bytes free after filling it");
    }

    /// <summary>Removes the filler: the space is back.</summary>
    public void Empty() => System.IO.File.Delete(Filler);

    /// <summary>Whether the entries in the tmpfs are only the filler (no partial or temporary file left behind).</summary>
    public IReadOnlyList<string> EntriesBesideFiller() =>
        [.. Directory.GetFileSystemEntries(Path).Where(e => System.IO.Path.GetFileName(e) != ".filler").Select(e => System.IO.Path.GetFileName(e)!)];

    public void RemountReadOnly() => Run("mount", "-o", "remount,ro", Path);

    public void RemountReadWrite() => Run("mount", "-o", "remount,rw", Path);

    public void Dispose()
    {
        if (_mounted)
        {
            // Lazy: a process the test started may still hold a file open; the mount goes once it closes it.
            try { Run("umount", "-l", Path); } catch (InvalidOperationException) { }
            _mounted = false;
        }
        _directory.Dispose();
    }

    private static string? ProbeMount()
    {
        if (!OperatingSystem.IsLinux()) return "a tmpfs needs Linux";
        if (Environment.UserName != "root") return "mounting a tmpfs needs root (run the tests as root, as CI does)";
        try
        {
            using var probe = new SmallTmpfs(1);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or TimeoutException)
        {
            return $"cannot mount a tmpfs here: {e.Message}";
        }
    }

    private static void Run(string command, params string[] args)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill();
            throw new TimeoutException($"{command} {string.Join(' ', args)} did not finish within {CommandTimeout}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{command} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result.Trim()}");
    }
}
