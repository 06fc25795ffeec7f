using System.Runtime.CompilerServices;

namespace Heapdog.Snapshot.Reading;

/// <summary>Receives the elements of a numeric JSON array in order.</summary>
internal interface INumberSink
{
    /// <summary>Takes element <paramref name="index"/>; returns false to reject it (the reader then reports an error there).</summary>
    bool Add(long index, ulong value);

    /// <summary>Describes why <see cref="Add"/> rejected an element.</summary>
    string Problem { get; }
}

/// <summary>
/// The hot loop of the reader: a JSON array of non-negative integers, parsed straight out of the byte buffer.
/// Generic over a struct sink so the JIT specialises and inlines the per-element store.
/// </summary>
internal static class NumberArrayReader
{
    // Enough bytes for whitespace, a 20-digit number and its separator, so a number never straddles a refill.
    private const int Window = 64;

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
        byte[] buf = reader.Buffer;
        int pos = reader.Pos, len = reader.Len;
        bool expectValue = true;
        while (true)
        {
            if (len - pos < Window && !reader.Eof)
            {
                reader.Pos = pos;
                reader.Ensure(Window);
                buf = reader.Buffer;
                pos = reader.Pos;
                len = reader.Len;
            }
            while (pos < len && IsWhitespace(buf[pos])) pos++;
            if (pos == len)
            {
                if (reader.Eof) { reader.Pos = pos; reader.Fail($"the file ends inside '{section}' after {index:N0} elements"); }
                continue;
            }
            if (expectValue)
            {
                if (len - pos < 24 && !reader.Eof) continue; // refill so the whole number is in the buffer
                int start = pos;
                ulong value = 0;
                uint digit;
                while (pos < len && (digit = (uint)(buf[pos] - '0')) <= 9)
                {
                    value = value * 10 + digit;
                    pos++;
                }
                int digits = pos - start;
                if (digits == 0 || digits > 19 || (pos < len && IsNumberTail(buf[pos])))
                {
                    reader.Pos = start;
                    if (digits == 0) reader.Fail($"expected a number in '{section}' at element {index:N0}, found {ByteReader.Describe(buf[start])}");
                    reader.Fail($"expected a non-negative integer in '{section}' at element {index:N0}");
                }
                if (!sink.Add(index, value))
                {
                    reader.Pos = start;
                    reader.Fail($"{sink.Problem} in '{section}' at element {index:N0}");
                }
                index++;
                // Fast path: V8 writes no space before a comma.
                if (pos < len && buf[pos] == ',') { pos++; continue; }
                expectValue = false;
                continue;
            }
            byte sep = buf[pos];
            if (sep == ',') { pos++; expectValue = true; continue; }
            if (sep == ']') { reader.Pos = pos + 1; return index; }
            reader.Pos = pos;
            reader.Fail($"expected ',' or ']' in '{section}' after element {index - 1:N0}, found {ByteReader.Describe(sep)}");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsWhitespace(byte b) => b == ' ' || b == '\n' || b == '\r' || b == '\t';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsNumberTail(byte b) => b == '.' || b == 'e' || b == 'E' || b == '-' || b == '+';
}
