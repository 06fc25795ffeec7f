using System.IO.MemoryMappedFiles;

namespace Heapdog.Snapshot.Reading;

/// <summary>
/// A read-only memory map of a whole snapshot file, so the string table can point into the file instead of copying
/// its text: the pages are the kernel's page cache, loaded when a string is first looked at and dropped again under
/// memory pressure, never the process's own memory.
/// </summary>
/// <remarks>
/// The map lives as long as this object: spans handed out over it stay valid while whoever handed them out (the
/// <see cref="StringTable"/>, and through it the <see cref="HeapSnapshot"/>) is reachable; then the finalizer unmaps.
/// Truncating the file while it is mapped makes reads of the lost pages fault (as with any mapped file): Heapdog
/// writes snapshots to a temporary name and renames them, so its own files are never truncated in place.
/// </remarks>
internal sealed unsafe class MappedFile
{
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;

    private MappedFile(MemoryMappedViewAccessor view, byte* pointer, long length)
    {
        _view = view;
        _base = pointer + view.PointerOffset;
        Length = length;
    }

    ~MappedFile()
    {
        // Unmaps. (Disposing the accessor would first flush the view: pointless for a read-only map.)
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.SafeMemoryMappedViewHandle.Dispose();
    }

    /// <summary>Bytes mapped: the file's length when it was mapped.</summary>
    public long Length { get; }

    public ReadOnlySpan<byte> Span(long offset, int length) => new(_base + offset, length);

    /// <summary>Maps the file behind <paramref name="stream"/>, or gives null when it is empty or cannot be mapped (a pipe, a device).</summary>
    public static MappedFile? TryMap(FileStream stream)
    {
        try
        {
            if (!stream.CanSeek) return null;
            long length = stream.Length;
            if (length == 0) return null;
            using var map = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: true);
            var view = map.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            return new MappedFile(view, pointer, length);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
