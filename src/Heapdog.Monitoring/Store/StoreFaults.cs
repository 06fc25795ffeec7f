using Microsoft.Data.Sqlite;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// The one place that tells what a SQLite or file-system error means for the store: SQLite's result codes
/// (https://sqlite.org/rescode.html) and the errno .NET keeps in <see cref="Exception.HResult"/> on Unix. Everything
/// that opens or writes the store goes through <see cref="Translate"/>, so no raw <see cref="SqliteException"/> leaves
/// the store.
/// </summary>
public static class StoreFaults
{
    private const int SqliteReadOnly = 8, SqliteIoErr = 10, SqliteCorrupt = 11, SqliteFull = 13, SqliteCantOpen = 14, SqliteNotADb = 26;
    private const int Eacces = 13, Eperm = 1, Enospc = 28, Erofs = 30, Edquot = 122;

    /// <summary>A <see cref="StoreException"/> naming <paramref name="path"/>, or null when <paramref name="e"/> is not
    /// an error of the store (a bug, to be seen as such). <paramref name="doing"/> is "use", "write" or "read".</summary>
    public static StoreException? Translate(Exception e, string path, string doing = "use")
    {
        var (problem, why) = e switch
        {
            StoreException s => (s.Problem, (string?)null),
            SqliteException s => FromSqlite(s, path),
            UnauthorizedAccessException => (StoreProblem.ReadOnly, "permission denied"),
            IOException io => FromErrno(io.HResult, io.Message),
            _ => (StoreProblem.NotAStore, null),
        };
        if (e is StoreException same) return same;
        if (why is null) return null;
        string message = problem switch
        {
            StoreProblem.DiskFull => $"cannot {doing} store {path}: disk full ({why})",
            StoreProblem.ReadOnly => $"store {path} is not writable: {why}",
            _ => $"cannot {doing} store {path}: {why}",
        };
        return new StoreException(message, e, problem);
    }

    private static (StoreProblem, string?) FromSqlite(SqliteException e, string path)
    {
        // An extended code's low byte is its primary code (SQLITE_IOERR_WRITE = 778 = 10 | 3 << 8).
        int primary = e.SqliteErrorCode & 0xFF;
        return primary switch
        {
            SqliteFull => (StoreProblem.DiskFull, "no space left on the device"),
            SqliteReadOnly => (StoreProblem.ReadOnly, "read-only (the file, its directory or the mount)"),
            // A WAL store needs its -wal and -shm beside it: on a read-only mount (or in a directory the user may not
            // write) they cannot be created, and SQLite says only "cannot open". The directory tells which.
            SqliteCantOpen => DirectoryFault(path) ?? (StoreProblem.CannotOpen, "cannot open the file or its journal"),
            SqliteNotADb or SqliteCorrupt => (StoreProblem.NotAStore, "not a Heapdog database (not SQLite, or corrupted)"),
            // SQLite says SQLITE_FULL for a write that found no space, but a journal or -shm page that could not be
            // allocated is an I/O error: with no free space on the device, it is the same fault.
            SqliteIoErr when NoSpaceLeft(path) => (StoreProblem.DiskFull, "no space left on the device"),
            SqliteIoErr => (StoreProblem.IoError, $"I/O error (SQLite code {e.SqliteExtendedErrorCode})"),
            _ => (StoreProblem.NotAStore, null),
        };
    }

    /// <summary>Why a file cannot be created beside the store (read-only, full), or null when one can.</summary>
    private static (StoreProblem, string?)? DirectoryFault(string path)
    {
        if (Path.GetDirectoryName(path) is not { } directory || !Directory.Exists(directory)) return null;
        try
        {
            using var probe = new FileStream(Path.Combine(directory, $".heapdog-probe-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write,
                FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return (StoreProblem.ReadOnly, "permission denied (its directory)");
        }
        catch (IOException e) when (FromErrno(e.HResult, e.Message) is var (problem, why) && problem != StoreProblem.IoError)
        {
            return (problem, why);
        }
    }

    private static bool NoSpaceLeft(string path)
    {
        try { return Path.GetDirectoryName(path) is { } d && new DriveInfo(d).AvailableFreeSpace == 0; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return false; }
    }

    private static (StoreProblem, string?) FromErrno(int errno, string message) => errno switch
    {
        Enospc or Edquot => (StoreProblem.DiskFull, errno == Edquot ? "disk quota exceeded" : "no space left on the device"),
        Erofs => (StoreProblem.ReadOnly, "read-only file system"),
        Eacces or Eperm => (StoreProblem.ReadOnly, "permission denied"),
        _ => (StoreProblem.IoError, message),
    };
}
