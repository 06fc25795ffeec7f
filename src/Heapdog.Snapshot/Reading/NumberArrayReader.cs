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

    private readonly record struct Tokenized(int Count, string? Error, int ErrorAt);

    /// <summary>
    /// Parses <c>(ws* digits ws* ',')*</c>, and when <paramref name="endsWithValue"/> one more <c>ws* digits ws*</c>
    /// without a comma (the element before <c>]</c>). Stops at the first malformed byte and says what and where.
    /// </summary>
    private static Tokenized Tokenize(ReadOnlySpan<byte> s, uint[] output, bool endsWithValue)
    {
        int count = 0;
        int pos = 0;
        int n = s.Length;
        while (pos < n)
        {
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
}
