using Heapdog.Snapshot.Reading;

namespace Heapdog.Snapshot;

/// <summary>
/// Accumulates decoded strings into <see cref="StringTable"/> chunks while the reader streams the file. With the file
/// mapped, a string whose text needed no unescaping is kept as a span of the file instead: its bytes are copied as
/// they stream past (the escapes are only known at its end) and dropped again when it ends, so the chunks hold only
/// strings that had escapes.
/// </summary>
internal sealed class StringTableBuilder
{
    private readonly MappedFile? _file;
    private readonly List<byte[]> _chunks = [];
    private byte[] _chunk;
    private int _used;
    private int _stringStart;
    private long[] _starts = new long[1024];
    private int[] _lengths = new int[1024];
    private int _count;
    private long _fileStart;
    private bool _escaped;

    public StringTableBuilder(MappedFile? file)
    {
        _file = file;
        _chunk = new byte[1 << 16];
        _chunks.Add(_chunk);
    }

    public int Count => _count;

    /// <summary>Starts a string whose text begins at byte <paramref name="fileOffset"/> of the file.</summary>
    public void BeginString(long fileOffset)
    {
        _stringStart = _used;
        _fileStart = fileOffset;
        _escaped = false;
    }

    public void Append(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_chunk.AsSpan(_used));
        _used += bytes.Length;
    }

    public void AppendCodePoint(int codePoint)
    {
        Ensure(4);
        _used += StringTable.EncodeCodePoint(_chunk.AsSpan(_used), codePoint);
        _escaped = true;
    }

    public void EndString()
    {
        if (_count == _starts.Length)
        {
            Array.Resize(ref _starts, _count * 2);
            Array.Resize(ref _lengths, _count * 2);
        }
        int length = _used - _stringStart;
        if (!_escaped && _file is not null && _fileStart + length <= _file.Length)
        {
            _starts[_count] = StringTable.InFile | _fileStart;
            _used = _stringStart;
        }
        else _starts[_count] = ((long)(_chunks.Count - 1) << StringTable.ChunkShift) | (uint)_stringStart;
        _lengths[_count] = length;
        _count++;
    }

    private void Ensure(int extra)
    {
        if (_used + extra <= _chunk.Length) return;
        if (_chunks.Count == 1 && _used + extra <= StringTable.ChunkSize)
        {
            // The first chunk grows by doubling, so a small snapshot's table stays small; later chunks are
            // allocated whole (re-allocating each of them by doubling left ~2 chunks of garbage per chunk behind:
            // gigabytes on large snapshots before the GC came round to it).
            Array.Resize(ref _chunk, Math.Min(StringTable.ChunkSize, Math.Max(_chunk.Length * 2, _used + extra)));
            _chunks[^1] = _chunk;
            return;
        }
        int pending = _used - _stringStart;
        if (pending + extra > StringTable.ChunkSize)
            throw new InvalidOperationException("a string longer than 64 MiB");
        // Start a new chunk and move the partial string into it, so no string straddles two chunks.
        var next = new byte[StringTable.ChunkSize];
        _chunk.AsSpan(_stringStart, pending).CopyTo(next);
        // The finished chunk keeps its unused tail (less than one string), cleared: trimming it would copy the chunk.
        _chunk.AsSpan(_stringStart).Clear();
        _chunk = next;
        _chunks.Add(_chunk);
        _stringStart = 0;
        _used = pending;
    }

    public StringTable Build()
    {
        Array.Resize(ref _chunk, _used);
        _chunks[^1] = _chunk;
        // The per-string arrays grew by doubling: up to half of them would stay unused for the whole analysis.
        Array.Resize(ref _starts, _count);
        Array.Resize(ref _lengths, _count);
        return new StringTable(_chunks, _starts, _lengths, _count, _file);
    }
}
