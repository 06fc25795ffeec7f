namespace Heapdog.Inspector;

/// <summary>
/// One Heapdog session per process: an exclusive lock file per pid, so a second Heapdog cannot close the inspector
/// under the first one's feet or freeze the target with a second snapshot.
/// </summary>
internal sealed class SessionLock : IDisposable
{
    private readonly FileStream _file;

    private SessionLock(FileStream file) => _file = file;

    public static SessionLock Acquire(int pid)
    {
        string path = Path.Combine(Path.GetTempPath(), $"heapdog-inspect-{pid}.lock");
        try
        {
            // On Unix, FileShare.None takes an advisory flock: released by the kernel even if Heapdog is killed.
            return new SessionLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose));
        }
        catch (IOException ex)
        {
            throw new InspectorException(InspectorErrorKind.Busy, $"another Heapdog is already inspecting pid {pid}", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
