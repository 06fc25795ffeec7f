using System.Text;
using Heapdog.Snapshot.Reading;

namespace Heapdog.Snapshot;

/// <summary>
/// The snapshot's string table, kept as WTF-8 bytes and decoded only on demand.
/// A string read from a file whose text needs no unescaping is not copied: it is a span over the memory-mapped file
/// (see <see cref="MappedFile"/>), so the table's text costs page cache, which the kernel loads when a string is looked
/// at and can drop again, rather than the process's own memory. Other strings (with escapes, read from a stream, or
/// added by the analysis) are kept back to back in chunks of up to 64 MiB (a string never straddles two chunks).
/// Per string: an 8-byte start (in the file when the top bit is set, else chunk × 2^26 + offset) and a 4-byte
/// length, 12 bytes per string plus the bytes of those not in the file.
/// WTF-8 (UTF-8 that also encodes lone surrogates) keeps V8's lone surrogates exactly, as DevTools shows them: the
/// file's own bytes are that already, since V8 writes lone surrogates as escapes.
/// </summary>
public sealed class StringTable
{
    internal const int ChunkShift = 26;
    internal const int ChunkSize = 1 << ChunkShift;
    internal const long InFile = long.MinValue;

    private readonly List<byte[]> _chunks;
    private readonly MappedFile? _file;
    private long[] _starts;
    private int[] _lengths;
    private int _count;
    // Where the next string added goes in the chunks (chunk × 2^26 + offset).
    private long _chunkEnd;

    internal StringTable(List<byte[]> chunks, long[] starts, int[] lengths, int count, MappedFile? file = null)
    {
        for (int i = count - 1; i >= 0; i--)
        {
            if (starts[i] < 0) continue;
            _chunkEnd = starts[i] + lengths[i];
            break;
        }
        _chunks = chunks;
        _starts = starts;
        _lengths = lengths;
        _count = count;
        _file = file;
    }

    public int Count => _count;

    // For the analysis index (see Caching/AnalysisIndex), which stores the text packed into chunks.
    internal ReadOnlySpan<int> Lengths => _lengths.AsSpan(0, _count);

    /// <summary>How many chunks <see cref="Pack"/> writes: at least one, so a table read back can still be added to.</summary>
    internal int PackedChunkCount
    {
        get
        {
            int chunks = 1;
            long offset = 0;
            for (int i = 0; i < _count; i++) offset = PackedOffset(offset, _lengths[i], ref chunks);
            return chunks;
        }
    }

    /// <summary>
    /// Hands every string's bytes, in order, to <paramref name="writeChunk"/> in chunks of up to 64 MiB (a string
    /// never straddles two), one chunk buffer at a time; returns each string's start in them, as the constructor takes.
    /// </summary>
    internal long[] Pack(Action<ReadOnlySpan<byte>> writeChunk)
    {
        var starts = new long[_count];
        long total = 0;
        for (int i = 0; i < _count; i++) total += _lengths[i];
        var buffer = new byte[Math.Min(ChunkSize, total)];
        int chunks = 1;
        long offset = 0;
        for (int i = 0; i < _count; i++)
        {
            int before = chunks;
            offset = PackedOffset(offset, _lengths[i], ref chunks);
            if (chunks != before) writeChunk(buffer.AsSpan(0, (int)(starts[i - 1] & (ChunkSize - 1)) + _lengths[i - 1]));
            long start = offset - _lengths[i];
            starts[i] = ((long)(chunks - 1) << ChunkShift) | start;
            Utf8(i).CopyTo(buffer.AsSpan((int)start));
        }
        writeChunk(buffer.AsSpan(0, (int)(offset)));
        return starts;
    }

    // Where string of length n ends when packed after offset: in this chunk if it fits, else at the start of the next.
    private static long PackedOffset(long offset, int length, ref int chunks)
    {
        if (offset + length <= ChunkSize) return offset + length;
        chunks++;
        return length;
    }

    public string this[int index]
    {
        get
        {
            string value = Decode(Utf8(index));
            GC.KeepAlive(this); // the span may be over this table's mapped file, which its finalizer unmaps
            return value;
        }
    }

    /// <summary>The raw WTF-8 bytes of string <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> Utf8(int index)
    {
        if (unchecked((uint)index) >= (uint)_count) throw new ArgumentOutOfRangeException(nameof(index));
        long start = _starts[index];
        if (start < 0) return _file!.Span(start & ~InFile, _lengths[index]);
        return new ReadOnlySpan<byte>(_chunks[(int)(start >> ChunkShift)], (int)(start & (ChunkSize - 1)), _lengths[index]);
    }

    /// <summary>True when string <paramref name="index"/> is a span of the mapped file rather than a copy.</summary>
    internal bool IsInFile(int index) => _starts[index] < 0;

    public bool EqualsAscii(int index, ReadOnlySpan<byte> ascii)
    {
        bool equal = Utf8(index).SequenceEqual(ascii);
        GC.KeepAlive(this); // as in the indexer
        return equal;
    }

    /// <summary>Appends a string (class names the analysis invents, such as <c>(system)</c>) and returns its index.</summary>
    public int Add(string value)
    {
        byte[] bytes = EncodeWtf8(value);
        var last = _chunks[^1];
        long used = _chunkEnd;
        int chunk = (int)(used >> ChunkShift);
        int offset = (int)(used & (ChunkSize - 1));
        if (chunk != _chunks.Count - 1 || offset + bytes.Length > last.Length)
        {
            _chunks.Add(new byte[Math.Max(bytes.Length, 4096)]);
            chunk = _chunks.Count - 1;
            offset = 0;
        }
        bytes.CopyTo(_chunks[chunk], offset);
        if (_count == _starts.Length)
        {
            Array.Resize(ref _starts, _count + 64);
            Array.Resize(ref _lengths, _count + 64);
        }
        _starts[_count] = ((long)chunk << ChunkShift) | (uint)offset;
        _lengths[_count] = bytes.Length;
        _chunkEnd = _starts[_count] + bytes.Length;
        return _count++;
    }

    /// <summary>Decodes WTF-8: valid UTF-8 the fast way, lone surrogates kept as lone UTF-16 surrogates.</summary>
    public static string Decode(ReadOnlySpan<byte> wtf8)
    {
        if (System.Text.Unicode.Utf8.IsValid(wtf8)) return Encoding.UTF8.GetString(wtf8);
        var sb = new StringBuilder(wtf8.Length);
        int i = 0;
        while (i < wtf8.Length)
        {
            byte b = wtf8[i];
            if (b == 0xED && i + 2 < wtf8.Length && (wtf8[i + 1] & 0xE0) == 0xA0)
            {
                // An encoded surrogate (U+D800..U+DFFF), which strict UTF-8 forbids.
                sb.Append((char)(0xD000 | ((wtf8[i + 1] & 0x3F) << 6) | (wtf8[i + 2] & 0x3F)));
                i += 3;
                continue;
            }
            int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
            len = Math.Min(len, wtf8.Length - i);
            var status = System.Text.Rune.DecodeFromUtf8(wtf8.Slice(i, len), out var rune, out int consumed);
            if (status == System.Buffers.OperationStatus.Done) sb.Append(rune.ToString());
            else { sb.Append('\uFFFD'); consumed = Math.Max(consumed, 1); }
            i += consumed;
        }
        return sb.ToString();
    }

    internal static byte[] EncodeWtf8(string value)
    {
        var bytes = new List<byte>(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            int cp = value[i];
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                cp = char.ConvertToUtf32(value[i], value[++i]);
            AppendCodePoint(bytes, cp);
        }
        return bytes.ToArray();
    }

    internal static void AppendCodePoint(List<byte> output, int cp)
    {
        Span<byte> tmp = stackalloc byte[4];
        int n = EncodeCodePoint(tmp, cp);
        for (int k = 0; k < n; k++) output.Add(tmp[k]);
    }

    /// <summary>Generalised UTF-8 encoding of one code point (surrogates included).</summary>
    internal static int EncodeCodePoint(Span<byte> dest, int cp)
    {
        if (cp < 0x80) { dest[0] = (byte)cp; return 1; }
        if (cp < 0x800) { dest[0] = (byte)(0xC0 | (cp >> 6)); dest[1] = (byte)(0x80 | (cp & 0x3F)); return 2; }
        if (cp < 0x10000)
        {
            dest[0] = (byte)(0xE0 | (cp >> 12));
            dest[1] = (byte)(0x80 | ((cp >> 6) & 0x3F));
            dest[2] = (byte)(0x80 | (cp & 0x3F));
            return 3;
        }
        dest[0] = (byte)(0xF0 | (cp >> 18));
        dest[1] = (byte)(0x80 | ((cp >> 12) & 0x3F));
        dest[2] = (byte)(0x80 | ((cp >> 6) & 0x3F));
        dest[3] = (byte)(0x80 | (cp & 0x3F));
        return 4;
    }
}
