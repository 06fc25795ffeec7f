namespace Heapdog.Monitoring.Analysis;

/// <summary>Rates and durations in the verdict sentences; sizes are <see cref="SizeText"/>'s, as the CLI prints them.</summary>
internal static class Words
{
    public static string Rate(double bytesPerHour) => SizeText.Of((long)Math.Round(bytesPerHour)) + "/h";

    public static string Duration(double seconds) =>
        seconds < 90 ? $"{seconds:0} s"
        : seconds < 5400 ? $"{seconds / 60:0} min"
        : seconds < 172800 ? $"{seconds / 3600:0.0} h"
        : $"{seconds / 86400:0.0} days";
}
