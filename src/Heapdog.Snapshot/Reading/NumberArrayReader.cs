using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Heapdog.Snapshot.Reading;

/// <summary>Receives the elements of a numeric JSON array in order, a batch at a time.</summary>
internal interface INumberSink
{
    /// <summary>
    /// Takes elements <paramref name="firstIndex"/> .. + <paramref name="values"/>.Length; returns the position in
    /// <paramref name="values"/> of an element it rejects (see <see cref="Problem"/>), or -1.
    /// </summary>
    int AddRange(long firstIndex, ReadOnlySpan<uint> values);

    /// <summary>Describes why <see cref="AddRange"/> rejected an element.</summary>
    string Problem { get; }
}

/// <summary>
/// The hot loop of the reader: a JSON array of non-negative integers. Each buffer-full is cut at its last comma into a
/// region of complete elements, tokenised into a scratch array (split in two halves tokenised in parallel when large),
/// then handed to the sink in one batch. Results never depend on how the stream splits its reads: a region always
/// ends at a separator the reader has seen.
/// </summary>
internal static class NumberArrayReader
{
    private const int ParallelThreshold = 1 << 18;

    /// <summary>Reads <c>[n, n, …]</c>; returns the element count.</summary>
    public static long Read<TSink>(ByteReader reader, ref TSink sink, string section) where TSink : struct, INumberSink
    {
        reader.Expect((byte)'[', $"to open '{section}'");
        if (reader.PeekToken() == ']')
        {
            reader.Pos++;
            return 0;
        }
        long index = 0;
        uint[] scratchA = new uint[reader.Buffer.Length / 2 + 1];
        uint[]? scratchB = null;
        while (true)
        {
            // Make sure the buffer holds at least one full separator-terminated element, unless the file ends.
            reader.Ensure(reader.Buffer.Length);
            var text = reader.Buffer.AsSpan(reader.Pos, reader.Len - reader.Pos);
            int close = text.IndexOf((byte)']');
            bool last = close >= 0;
            int regionLength = last ? close : text.LastIndexOf((byte)',') + 1;
            if (regionLength <= 0 && !last)
            {
                if (reader.Eof) reader.Fail($"the file ends inside '{section}' after {index:N0} elements");
                reader.Fail($"expected a number in '{section}' at element {index:N0}, found no separator within {text.Length:N0} bytes");
            }
            var region = text[..regionLength];
            long regionStart = reader.Offset;
            int split = region.Length >= ParallelThreshold ? region[(region.Length / 2)..].IndexOf((byte)',') : -1;
            Tokenized a, b = default;
            if (split >= 0)
            {
                split += region.Length / 2 + 1;
                scratchB ??= new uint[scratchA.Length];
                var buffer = reader.Buffer;
                int pos = reader.Pos, length = regionLength, splitAt = split;
                var second = Task.Run(() => Tokenize(buffer.AsSpan(pos + splitAt, length - splitAt), scratchB, last));
                a = Tokenize(region[..split], scratchA, endsWithValue: false);
                b = second.GetAwaiter().GetResult();
            }
            else a = Tokenize(region, scratchA, last);

            index = Deliver(reader, ref sink, section, a, scratchA, index, regionStart);
            if (split >= 0) index = Deliver(reader, ref sink, section, b, scratchB!, index, regionStart + split);
            reader.Pos += regionLength;
            if (last)
            {
                reader.Pos++; // the ']'
                return index;
            }
        }
    }

    private static long Deliver<TSink>(ByteReader reader, ref TSink sink, string section, Tokenized t, uint[] values, long index, long regionStart)
        where TSink : struct, INumberSink
    {
        int rejected = sink.AddRange(index, values.AsSpan(0, t.Count));
        if (rejected >= 0)
            reader.FailAt($"{sink.Problem} in '{section}' at element {index + rejected:N0}", regionStart);
        if (t.Error is not null)
            reader.FailAt($"{t.Error} in '{section}' at element {index + t.Count:N0}", regionStart + t.ErrorAt);
        return index + t.Count;
    }

    internal readonly record struct Tokenized(int Count, string? Error, int ErrorAt);

    /// <summary>
    /// Parses <c>(ws* digits ws* ',')*</c>, and when <paramref name="endsWithValue"/> one more <c>ws* digits ws*</c>
    /// without a comma (the element before <c>]</c>). Stops at the first malformed byte and says what and where.
    /// </summary>
    internal static Tokenized Tokenize(ReadOnlySpan<byte> s, uint[] output, bool endsWithValue)
    {
        int count = 0;
        int pos = 0;
        int n = s.Length;
        while (pos < n)
        {
            // Fast paths: V8's layout ("9,1,1,0,5,0,0\n,9,…"), 64 bytes of up to 8-digit numbers at a time, then
            // elements of 1–10 digits then ',' or "\n," eight bytes at a time for one block's worth, then blocks again.
            // Anything else (whitespace elsewhere, malformed bytes, the last bytes of the region) takes the general
            // path below for one element, which also words every error.
            count = TokenizeBlocks(s, ref pos, output, count);
            int limit = Math.Min(n - 16, pos + BlockBytes);
            count = TokenizeFast(s, ref pos, output, count, limit);
            if (pos >= n) break;
            if (pos > limit && limit < n - 16) continue;
            byte b = s[pos];
            while (b == '\n' || b == ' ' || b == '\r' || b == '\t')
            {
                if (++pos == n) return new(count, "expected a number", pos);
                b = s[pos];
            }
            uint digit = unchecked((uint)(b - '0')); // bytes below '0' wrap to large values
            if (digit > 9) return new(count, $"expected a number, found {ByteReader.Describe(b)}", pos);
            ulong value = digit;
            int start = pos++;
            // At most 11 digits are read: more is out of range anyway, and the value cannot overflow.
            while (pos < n && pos - start <= 10 && (digit = unchecked((uint)(s[pos] - '0'))) <= 9)
            {
                value = value * 10 + digit;
                pos++;
            }
            if (pos - start > 10 || value > uint.MaxValue) return new(count, "number out of range (more than 32 bits)", start);
            if (pos < n && s[pos] is (byte)'.' or (byte)'e' or (byte)'E' or (byte)'-' or (byte)'+')
                return new(count, "expected a non-negative integer", start);
            output[count++] = (uint)value;
            if (pos < n && s[pos] == ',') { pos++; continue; }
            while (pos < n && s[pos] is (byte)'\n' or (byte)' ' or (byte)'\r' or (byte)'\t') pos++;
            if (pos == n)
            {
                if (endsWithValue) return new(count, null, 0);
                return new(count, "expected ','", pos);
            }
            if (s[pos] != ',') return new(count, $"expected ',' or ']', found {ByteReader.Describe(s[pos])}", pos);
            pos++;
        }
        // A region ending in a comma is complete; one that should end with a value ends with "[1,2," then "]".
        return endsWithValue ? new(count, "expected a number before ']'", n) : new(count, null, 0);
    }

    private const ulong Zeros = 0x3030303030303030UL;

    private const int BlockBytes = 64;

    /// <summary>
    /// Converts 64 bytes at a time while they hold only elements of 1–8 digits followed by ',' or "\n,": vector
    /// compares give masks of digits, commas and newlines; the masks prove the block well formed, and each element
    /// between commas is converted from one eight-byte load, independently of the others (no byte-by-byte chain).
    /// Stops at an element start, before the first block it cannot take whole, or 72 bytes before the end.
    /// </summary>
    private static int TokenizeBlocks(ReadOnlySpan<byte> s, ref int position, uint[] output, int count)
    {
        int pos = position, n = s.Length;
        ref byte start = ref MemoryMarshal.GetReference(s);
        var comma = Vector128.Create((byte)','); var newline = Vector128.Create((byte)'\n');
        var zero = Vector128.Create((byte)'0'); var ten = Vector128.Create((byte)10);
        // The last element of a block may start at its last byte and is loaded eight bytes wide.
        while (pos + BlockBytes + 8 <= n)
        {
            ulong commas = 0, newlines = 0, digits = 0;
            for (int i = 0; i < BlockBytes / 16; i++)
            {
                var v = Vector128.LoadUnsafe(ref start, (nuint)(pos + 16 * i));
                commas |= (ulong)Vector128.Equals(v, comma).ExtractMostSignificantBits() << (16 * i);
                newlines |= (ulong)Vector128.Equals(v, newline).ExtractMostSignificantBits() << (16 * i);
                digits |= (ulong)Vector128.LessThan(v - zero, ten).ExtractMostSignificantBits() << (16 * i);
            }
            // Only digits, commas and newlines; a newline only between a digit and a comma (never the block's last
            // byte); a comma only after a digit or a newline; so the first byte is a digit.
            if ((commas | newlines | digits) != ulong.MaxValue
                || (newlines >> 63) != 0
                || ((newlines << 1) & ~commas) != 0
                || (newlines & ~(digits << 1)) != 0
                || (commas & ~((digits | newlines) << 1)) != 0)
                break;
            int element = 0, stored = count;
            bool longNumber = false;
            while (commas != 0)
            {
                int c = BitOperations.TrailingZeroCount(commas);
                commas &= commas - 1;
                int length = c - (int)((newlines >> (c - 1)) & 1) - element;
                if (length > 8)
                {
                    longNumber = true;
                    break;
                }
                ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, pos + element));
                if (!BitConverter.IsLittleEndian) word = BinaryPrimitives.ReverseEndianness(word);
                output[count++] = (uint)EightDigits(word << (8 * (8 - length)));
                element = c + 1;
            }
            pos += element;
            // A number of nine or more digits, or a block with no comma: the eight-byte path takes it.
            if (longNumber || count == stored) break;
        }
        position = pos;
        return count;
    }

    /// <summary>
    /// Converts runs of 1–10 digits followed by ',' or "\n," with SWAR arithmetic on eight bytes at a time; stops at
    /// the first element it cannot take whole (the general path takes that one) or past <paramref name="limit"/>
    /// (at most 16 bytes before the end).
    /// </summary>
    private static int TokenizeFast(ReadOnlySpan<byte> s, ref int position, uint[] output, int count, int limit)
    {
        int pos = position;
        ref byte start = ref MemoryMarshal.GetReference(s);
        while (pos <= limit)
        {
            ulong word = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref start, pos));
            if (!BitConverter.IsLittleEndian) word = BinaryPrimitives.ReverseEndianness(word);
            // A byte is a digit when its high nibble is 3 and adding 6 keeps it so; a carry out of a non-digit byte
            // can only disturb the bytes after it, past the first non-digit, which is all this looks for.
            ulong notDigit = ((word & 0xF0F0F0F0F0F0F0F0UL) ^ Zeros) | ((unchecked(word + 0x0606060606060606UL) & 0xF0F0F0F0F0F0F0F0UL) ^ Zeros);
            int length = BitOperations.TrailingZeroCount(notDigit) >> 3;
            if (length == 0) break;
            ulong value;
            if (length < 8)
            {
                // Keep only the digits, aligned to the top bytes, then combine pairs, quads and octets of digits.
                value = EightDigits(word << (8 * (8 - length)));
            }
            else
            {
                // Eight digits, then up to two more (to_node offsets and ids of large heaps); longer ones are errors
                // the general path words.
                value = EightDigits(word);
                uint digit;
                while (length < 10 && (digit = unchecked((uint)(Unsafe.Add(ref start, pos + length) - '0'))) <= 9)
                {
                    value = value * 10 + digit;
                    length++;
                }
                if (value > uint.MaxValue || unchecked((uint)(Unsafe.Add(ref start, pos + length) - '0')) <= 9) break;
            }
            byte next = Unsafe.Add(ref start, pos + length);
            int skip;
            if (next == ',') skip = 1;
            else if (next == '\n' && Unsafe.Add(ref start, pos + length + 1) == ',') skip = 2;
            else break;
            output[count++] = (uint)value;
            pos += length + skip;
        }
        position = pos;
        return count;
    }

    /// <summary>The value of eight ASCII digits in a little-endian word (leading zero bytes count as zeros).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong EightDigits(ulong word)
    {
        // The products carry out of the top on purpose (only the bits shifted down are kept): unchecked even where
        // overflow checks are on (Debug builds).
        unchecked
        {
            ulong digits = word & 0x0F0F0F0F0F0F0F0FUL;
            digits = (digits * 2561) >> 8;
            digits = ((digits & 0x00FF00FF00FF00FFUL) * 6553601) >> 16;
            return ((digits & 0x0000FFFF0000FFFFUL) * 42949672960001UL) >> 32;
        }
    }
}
