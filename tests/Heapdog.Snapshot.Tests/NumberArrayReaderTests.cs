using System.Globalization;
using System.Text;
using Heapdog.Snapshot.Reading;

namespace Heapdog.Snapshot.Tests;

/// <summary>
/// The tokeniser's fast paths (64-byte blocks from vector masks, eight bytes at a time) against a plain reading of
/// the same text: numbers of every length behind every separator, and a bad byte anywhere stopping it at exactly
/// the element a byte-by-byte reader stops at.
/// </summary>
public sealed class NumberArrayReaderTests
{
    private static readonly string[] Separators = [",", ",", ",", "\n,", ", ", " ,", ",\n"];

    /// <summary>Random elements of 1–10 digits (some with leading zeros) and separators, mostly V8's.</summary>
    private static (string Text, List<uint> Values) RandomArray(Random random, int count)
    {
        var text = new StringBuilder();
        var values = new List<uint>();
        for (int i = 0; i < count; i++)
        {
            int digits = random.Next(10) < 7 ? random.Next(1, 4) : random.Next(1, 11);
            string number = random.Next(50) == 0 ? "0" + random.Next(1000).ToString(CultureInfo.InvariantCulture)
                : random.NextInt64(0, digits == 10 ? (long)uint.MaxValue + 1 : (long)Math.Pow(10, digits)).ToString(CultureInfo.InvariantCulture);
            values.Add(uint.Parse(number, CultureInfo.InvariantCulture));
            text.Append(number).Append(random.Next(20) == 0 ? Separators[random.Next(Separators.Length)] : Separators[random.Next(3)]);
        }
        // A region always ends at its last comma (every separator ends with one once trailing whitespace goes).
        return (text.ToString().TrimEnd(), values);
    }

    [Fact]
    public void Tokenize_RandomNumbersAndSeparators_EveryValueExact()
    {
        var random = new Random(41);
        for (int round = 0; round < 200; round++)
        {
            var (text, values) = RandomArray(random, random.Next(1, 400));
            var output = new uint[text.Length / 2 + 2];
            var tokens = NumberArrayReader.Tokenize(Encoding.ASCII.GetBytes(text), output, endsWithValue: false);
            tokens.Error.ShouldBeNull($"round {round}: {tokens} {text}");
            output.AsSpan(0, tokens.Count).ToArray().ShouldBe(values.ToArray(), $"round {round}");
        }
    }

    [Fact]
    public void Tokenize_BadByteAnywhere_StopsAtItsElementWithAnError()
    {
        var random = new Random(43);
        byte[] bad = [(byte)'x', (byte)'.', (byte)'-', (byte)']', 0, 0xFF];
        for (int round = 0; round < 2_000; round++)
        {
            var (text, values) = RandomArray(random, random.Next(20, 120));
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            int at = random.Next(bytes.Length);
            byte wrong = bad[random.Next(bad.Length)];
            bytes[at] = wrong;
            // The elements before the bad byte; the one it interrupts counts too once it has digits, except where
            // '.' or '-' after digits makes it a non-integer.
            int element = bytes.AsSpan(0, at).Count((byte)',');
            int lastComma = bytes.AsSpan(0, at).LastIndexOf((byte)',');
            bool digitsBefore = bytes.AsSpan(lastComma + 1, at - lastComma - 1).IndexOfAnyInRange((byte)'0', (byte)'9') >= 0;
            int expected = element + (digitsBefore && wrong is not ((byte)'.' or (byte)'-') ? 1 : 0);
            var output = new uint[bytes.Length / 2 + 2];
            var tokens = NumberArrayReader.Tokenize(bytes, output, endsWithValue: false);
            tokens.Error.ShouldNotBeNull($"round {round}: 0x{wrong:X2} at {at}");
            tokens.Count.ShouldBe(expected, $"round {round}: 0x{wrong:X2} at {at}");
            output.AsSpan(0, element).ToArray().ShouldBe(values.Take(element).ToArray(), $"round {round}");
        }
    }
}
