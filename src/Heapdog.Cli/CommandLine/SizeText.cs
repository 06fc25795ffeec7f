using System.Globalization;
using Heapdog.Workflows.Errors;

namespace Heapdog.Cli.CommandLine;

/// <summary>Sizes as users type them: a number of bytes, or with a binary unit <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c>
/// (<c>512m</c>, <c>8g</c>, <c>1.5G</c>; a trailing <c>b</c> or <c>ib</c> is allowed).</summary>
public static class SizeText
{
    public static long Parse(string text, string option)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t.EndsWith("ib", StringComparison.Ordinal)) t = t[..^2];
        else if (t.EndsWith('b')) t = t[..^1];
        long unit = 1;
        if (t.Length > 0 && "kmgt".IndexOf(t[^1], StringComparison.Ordinal) is int u and >= 0)
        {
            unit = 1L << (10 * (u + 1));
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n) || n <= 0 || n * unit > long.MaxValue / 2)
            throw new HeapdogException(ErrorKind.BadRequest, $"{option} '{text}' is not a size (examples: 500m, 8g, 1048576)");
        return (long)(n * unit);
    }
}
