using System.Globalization;

namespace Heapdog.Monitoring;

/// <summary>Sizes for people to read, in decimal units as DevTools shows them (1 kB = 1000 B), three significant
/// digits: <c>512 B</c>, <c>9.20 kB</c>, <c>17.2 MB</c>, <c>1.00 GB</c>. The one size formatter of Heapdog: the verdict
/// sentences and the CLI's terminal output both use it (JSON always carries raw bytes).</summary>
public static class SizeText
{
    private static readonly string[] Units = ["B", "kB", "MB", "GB", "TB"];

    public static string Of(long bytes)
    {
        if (bytes < 0) return "-" + Of(-bytes);
        if (bytes < 1000) return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < Units.Length - 1) { value /= 1000; unit++; }
        return value.ToString(value < 10 ? "0.00" : value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture) + " " + Units[unit];
    }
}
