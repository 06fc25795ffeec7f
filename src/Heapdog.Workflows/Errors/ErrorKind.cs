namespace Heapdog.Workflows.Errors;

/// <summary>
/// What went wrong, independent of who asked. The CLI turns a kind into an exit code (<c>ExitCodes.Of</c>), the
/// server into an HTTP status (<c>Problems.StatusOf</c>); each table is the only one of its kind.
/// </summary>
public enum ErrorKind
{
    /// <summary>The request itself is wrong: a bad option, argument or parameter.</summary>
    BadRequest,
    /// <summary>An input file is missing or cannot be read.</summary>
    NotFound,
    /// <summary>An input is not a well-formed heap snapshot (truncated, corrupted, not a snapshot).</summary>
    Malformed,
    /// <summary>An input is well-formed but of a kind Heapdog does not support (e.g. a snapshot version).</summary>
    Unsupported,
    /// <summary>A snapshot has no object with the given <c>@id</c>.</summary>
    NoSuchObject,
    /// <summary>Snapshots that cannot be compared object by object.</summary>
    NotComparable,
    /// <summary>A target process cannot be reached: gone, not Node, inspector unavailable.</summary>
    ProcessUnavailable,
    /// <summary>Heapdog lacks the privilege to act on the target or the file.</summary>
    NotPermitted,
    /// <summary>Heapdog refused to act, to protect the target (headroom) or the machine (memory); an override exists.</summary>
    Refused,
    /// <summary>An input is larger than the limit set for it.</summary>
    TooLarge,
    /// <summary>The output exists and overwriting it was not asked for.</summary>
    OutputExists,
    /// <summary>An output could not be written (disk full, permission denied, directory missing).</summary>
    OutputFailed,
    /// <summary>The address to listen on is taken or not allowed.</summary>
    AddressUnavailable,
    /// <summary>The store may be read but not written: a read-only file, directory or mount (a full disk is
    /// <see cref="OutputFailed"/>).</summary>
    StoreNotWritable,
}
