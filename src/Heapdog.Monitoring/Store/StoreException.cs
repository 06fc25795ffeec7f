namespace Heapdog.Monitoring.Store;

/// <summary>The store cannot be used: not a SQLite file, written by a newer Heapdog, full, or not writable. The message
/// is one line naming the file; <see cref="Problem"/> says which.</summary>
public sealed class StoreException(string message, Exception? inner = null, StoreProblem problem = StoreProblem.NotAStore)
    : Exception(message, inner)
{
    public StoreProblem Problem { get; } = problem;

    /// <summary>Whether writing failed but may work later: the store is full or read-only, the device erred, or its
    /// server is unreachable.</summary>
    public bool IsWriteFailure => Problem is StoreProblem.DiskFull or StoreProblem.ReadOnly or StoreProblem.IoError or StoreProblem.Unreachable;
}
