using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.CommandLine;

/// <summary>Process exit codes. Documented in docs/cli.md; scripts depend on them, so never renumber.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>A bug in Heapdog (unexpected exception).</summary>
    public const int Internal = 1;
    /// <summary>Bad command line.</summary>
    public const int Usage = 2;
    /// <summary>An input file is missing or cannot be read.</summary>
    public const int InputNotFound = 3;
    /// <summary>An input is not a well-formed heap snapshot (truncated, corrupted, not a snapshot).</summary>
    public const int BadInput = 4;
    /// <summary>An input is well-formed but of a kind Heapdog does not support (e.g. a snapshot version).</summary>
    public const int Unsupported = 5;
    /// <summary>A target process cannot be reached (gone, not Node, permission denied, inspector unavailable).</summary>
    public const int TargetUnavailable = 6;
    /// <summary>Heapdog refused to act to protect the target or the user's files (override flags exist).</summary>
    public const int Refused = 7;
    /// <summary>An output could not be written (disk full, permission denied).</summary>
    public const int OutputFailed = 8;
    /// <summary>Snapshots that cannot be compared object by object (not from one process lifetime, or not in time order).</summary>
    public const int NotComparable = 9;
    /// <summary><c>serve</c>: the address to listen on is taken or not allowed.</summary>
    public const int AddressUnavailable = 10;
    /// <summary>A snapshot has no object with the given <c>@id</c>.</summary>
    public const int NoSuchObject = 11;
    /// <summary>The store (<c>--db</c>) can be read but not written: a read-only file, directory or mount.</summary>
    public const int StoreNotWritable = 12;
    /// <summary>Interrupted by the user (SIGINT, Ctrl-C): 128 + 2.</summary>
    public const int Cancelled = 130;
    /// <summary>Stopped by SIGTERM, which cancels like Ctrl-C: 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>The exit code of an anticipated error: the only table from <see cref="ErrorKind"/> to exit codes.</summary>
    public static int Of(ErrorKind kind) => kind switch
    {
        ErrorKind.BadRequest => Usage,
        ErrorKind.NotFound => InputNotFound,
        ErrorKind.Malformed => BadInput,
        ErrorKind.Unsupported => Unsupported,
        ErrorKind.NoSuchObject => NoSuchObject,
        ErrorKind.NotComparable => NotComparable,
        ErrorKind.ProcessUnavailable or ErrorKind.NotPermitted => TargetUnavailable,
        ErrorKind.Refused or ErrorKind.TooLarge or ErrorKind.OutputExists => Refused,
        ErrorKind.OutputFailed => OutputFailed,
        ErrorKind.AddressUnavailable => AddressUnavailable,
        ErrorKind.StoreNotWritable => StoreNotWritable,
        _ => Internal,
    };
}
