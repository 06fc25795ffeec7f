namespace Heapdog.Snapshot;

/// <summary>
/// The one error for a malformed, truncated or unsupported heap snapshot. The message says what was expected, what was
/// found and where (<see cref="ByteOffset"/>), so it can be shown to a user as it is.
/// </summary>
public sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException(string message, long byteOffset, bool unsupported = false)
        : base(byteOffset >= 0 ? $"{message} (at byte {byteOffset:N0})" : message)
    {
        ByteOffset = byteOffset;
        IsUnsupported = unsupported;
    }

    /// <summary>Where in the file the problem was found, or -1 when it concerns the file as a whole.</summary>
    public long ByteOffset { get; }

    /// <summary>True when the file is well-formed but uses a layout Heapdog does not support.</summary>
    public bool IsUnsupported { get; }
}
