using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Files;

/// <summary>
/// A failed write of an output file as its one line: "cannot write PATH: disk full (no space left on the device)".
/// The cause comes from the errno .NET keeps in <see cref="Exception.HResult"/> on Unix (the store's own errors are
/// told by <c>StoreFaults</c> in the monitoring layer). A read-only place is <see cref="ErrorKind.OutputFailed"/> here:
/// only the store has its own kind.
/// </summary>
public static class WriteFailure
{
    private const int Eacces = 13, Eperm = 1, Enospc = 28, Erofs = 30, Edquot = 122;

    public static HeapdogException Of(Exception e, string path) => new(ErrorKind.OutputFailed, $"cannot write {path}: {Describe(e)}", e);

    /// <summary>"disk full (…)", "read-only file system", "permission denied", or the system's message.</summary>
    public static string Describe(Exception e)
    {
        // A failure wrapped on its way up (the snapshot writer's IOException around the write's) keeps its errno inside.
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (x is UnauthorizedAccessException) return "permission denied";
            if (x is not IOException) continue;
            switch (x.HResult)
            {
                case Enospc: return "disk full (no space left on the device)";
                case Edquot: return "disk full (disk quota exceeded)";
                case Erofs: return "read-only file system";
                case Eacces or Eperm: return "permission denied";
            }
        }
        return e.Message;
    }
}
