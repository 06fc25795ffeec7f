using System.Globalization;

namespace Heapdog.Monitoring.Analysis;

/// <summary>Sizes and durations in the verdict sentences (decimal units, as the CLI prints them).</summary>
internal static class Words
{
    public static string Size(double bytes)
    {
        double a = Math.Abs(bytes);
        string s = a >= 1e9 ? (bytes / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + " GB"
            : a >= 1e6 ? (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB"
            : (bytes / 1e3).ToString("0", CultureInfo.InvariantCulture) + " kB";
        return s;
    }

    public static string Rate(double bytesPerHour) => Size(bytesPerHour) + "/h";

    public static string Duration(double seconds) =>
        seconds < 90 ? $"{seconds:0} s"
        : seconds < 5400 ? $"{seconds / 60:0} min"
        : seconds < 172800 ? $"{seconds / 3600:0.0} h"
        : $"{seconds / 86400:0.0} days";
}
