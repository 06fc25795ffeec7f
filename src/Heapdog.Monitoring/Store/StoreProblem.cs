namespace Heapdog.Monitoring.Store;

/// <summary>Why the store cannot be used, as <see cref="StoreFaults"/> tells it from SQLite's and the system's errors.
/// The workflows layer turns each into an error kind; the server's health shows the write ones.</summary>
public enum StoreProblem
{
    /// <summary>Not a SQLite file, not a Heapdog store, or written by a newer Heapdog.</summary>
    NotAStore,
    /// <summary>The device holding the store (or its journal) has no space left, or the user's quota is used up.</summary>
    DiskFull,
    /// <summary>The store may be read but not written: a read-only file, directory or mount.</summary>
    ReadOnly,
    /// <summary>The file cannot be opened (a missing or forbidden directory).</summary>
    CannotOpen,
    /// <summary>Another I/O error from the device.</summary>
    IoError,
    /// <summary>The store's server (PostgreSQL) cannot be reached, refuses the login, or went away and did not come
    /// back within the retry window.</summary>
    Unreachable,
}
