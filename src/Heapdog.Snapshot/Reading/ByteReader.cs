using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Heapdog.Snapshot.Reading;

/// <summary>
/// A forward-only reader over a stream in one bounded buffer, with the absolute byte offset always known.
/// Callers that need several bytes at once ask <see cref="Ensure"/> for them; the buffer is compacted and refilled
/// however the stream chooses to split its reads, so results never depend on chunk boundaries.
/// </summary>
internal sealed class ByteReader
{
    private readonly Stream _stream;
    private readonly CancellationToken _cancellation;
    private readonly Action<long>? _onRefill;

    public byte[] Buffer;
    public int Pos;
    public int Len;
    private long _base;
    public bool Eof;

    public ByteReader(Stream stream, int bufferSize, CancellationToken cancellation, Action<long>? onRefill)
    {
        _stream = stream;
        Buffer = new byte[bufferSize];
        _cancellation = cancellation;
        _onRefill = onRefill;
    }

    /// <summary>Absolute offset of the next unread byte.</summary>
    public long Offset => _base + Pos;

    /// <summary>Makes at least <paramref name="count"/> bytes available unless the stream ends first; returns how many are.</summary>
    public int Ensure(int count)
    {
        int available = Len - Pos;
        if (available >= count || Eof) return available;
        _cancellation.ThrowIfCancellationRequested();
        if (Pos > 0)
        {
            System.Buffer.BlockCopy(Buffer, Pos, Buffer, 0, available);
            _base += Pos;
            Len = available;
            Pos = 0;
        }
        while (Len < count && !Eof)
        {
            int read = _stream.Read(Buffer, Len, Buffer.Length - Len);
            if (read == 0) Eof = true;
            else Len += read;
        }
        _onRefill?.Invoke(_base + Len);
        return Len - Pos;
    }

    /// <summary>
    /// Moves to <paramref name="offset"/> of a seekable stream, dropping what is buffered: for a section read past the
    /// buffer (<see cref="ParallelNumberReader"/>).
    /// </summary>
    public void Seek(long offset)
    {
        _stream.Position = offset;
        _base = offset;
        Pos = 0;
        Len = 0;
        Eof = false;
    }

    /// <summary>Skips whitespace and returns the next byte without consuming it, or -1 at the end of the stream.</summary>
    public int PeekToken()
    {
        while (true)
        {
            while (Pos < Len)
            {
                byte b = Buffer[Pos];
                if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return b;
                Pos++;
            }
            if (Ensure(1) == 0) return -1;
        }
    }

    public void Expect(byte expected, string where)
    {
        int b = PeekToken();
        if (b != expected) Fail($"expected '{(char)expected}' {where}, found {Describe(b)}");
        Pos++;
    }

    /// <summary>Reads a short JSON string (a key or header value) as a .NET string.</summary>
    public string ReadShortString(string where, int maxBytes = 4096)
    {
        int b = PeekToken();
        if (b != '"') Fail($"expected a string {where}, found {Describe(b)}");
        Pos++;
        var bytes = new List<byte>();
        while (true)
        {
            if (Pos == Len && Ensure(1) == 0) Fail($"the file ends inside a string {where}");
            byte c = Buffer[Pos++];
            if (c == '"') break;
            if (c == '\\')
            {
                int cp = ReadEscape(where);
                StringTable.AppendCodePoint(bytes, cp);
            }
            else bytes.Add(c);
            if (bytes.Count > maxBytes) Fail($"string too long {where}");
        }
        return StringTable.Decode(bytes.ToArray());
    }

    /// <summary>Reads the escape after a backslash; returns a code point (lone surrogates included).</summary>
    public int ReadEscape(string where)
    {
        if (Ensure(1) == 0) Fail($"the file ends inside a string escape {where}");
        byte e = Buffer[Pos++];
        switch (e)
        {
            case (byte)'"': return '"';
            case (byte)'\\': return '\\';
            case (byte)'/': return '/';
            case (byte)'b': return '\b';
            case (byte)'f': return '\f';
            case (byte)'n': return '\n';
            case (byte)'r': return '\r';
            case (byte)'t': return '\t';
            case (byte)'u':
                int unit = ReadHex4(where);
                if (unit is >= 0xD800 and <= 0xDBFF && Ensure(6) >= 6 && Buffer[Pos] == '\\' && Buffer[Pos + 1] == 'u')
                {
                    int save = Pos;
                    Pos += 2;
                    int low = ReadHex4(where);
                    if (low is >= 0xDC00 and <= 0xDFFF) return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                    Pos = save; // a lone high surrogate followed by another escape
                }
                return unit;
            default:
                Pos--;
                Fail($"invalid escape '\\{(char)e}' in a string {where}");
                return 0;
        }
    }

    private int ReadHex4(string where)
    {
        if (Ensure(4) < 4) Fail($"the file ends inside a \\u escape {where}");
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            int c = Buffer[Pos];
            int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
            if (d < 0) Fail($"expected a hex digit in a \\u escape {where}, found {Describe(c)}");
            value = value * 16 + d;
            Pos++;
        }
        return value;
    }

    /// <summary>Skips one JSON value of any kind, iteratively (no recursion, whatever the nesting).</summary>
    public void SkipValue(string where, Stream? capture = null, int captureLimit = int.MaxValue)
    {
        int depth = 0;
        long captured = 0;
        void Keep(byte b)
        {
            if (capture is null) return;
            if (++captured > captureLimit) Fail($"value too large {where}");
            capture.WriteByte(b);
        }
        do
        {
            int b = PeekToken();
            if (b < 0) Fail($"the file ends inside {where}");
            switch (b)
            {
                case '{':
                case '[':
                    depth++;
                    Keep((byte)b);
                    Pos++;
                    break;
                case '}':
                case ']':
                    if (depth == 0) Fail($"unexpected '{(char)b}' {where}");
                    depth--;
                    Keep((byte)b);
                    Pos++;
                    break;
                case ',':
                case ':':
                    if (depth == 0) Fail($"unexpected '{(char)b}' {where}");
                    Keep((byte)b);
                    Pos++;
                    break;
                case '"':
                    Pos++;
                    Keep((byte)'"');
                    while (true)
                    {
                        if (Pos == Len && Ensure(1) == 0) Fail($"the file ends inside a string {where}");
                        byte c = Buffer[Pos++];
                        Keep(c);
                        if (c == '"') break;
                        if (c == '\\')
                        {
                            if (Pos == Len && Ensure(1) == 0) Fail($"the file ends inside a string {where}");
                            Keep(Buffer[Pos++]);
                        }
                    }
                    break;
                default:
                    if (!(b == '-' || b == '+' || b == '.' || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z')))
                        Fail($"unexpected {Describe(b)} {where}");
                    while (true)
                    {
                        if (Pos == Len && Ensure(1) == 0) break;
                        byte c = Buffer[Pos];
                        if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) break;
                        Keep(c);
                        Pos++;
                    }
                    break;
            }
        } while (depth > 0);
    }

    public static string Describe(int b) =>
        b < 0 ? "the end of the file"
        : b >= 0x20 && b < 0x7F ? $"'{(char)b}'"
        : $"byte 0x{b:X2}";

    [DoesNotReturn]
    public void Fail(string message) => throw new SnapshotFormatException(message, Offset);

    [DoesNotReturn]
    public void FailAt(string message, long offset) => throw new SnapshotFormatException(message, offset);

    public static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
