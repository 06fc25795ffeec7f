namespace Heapdog.Monitoring.Analysis;

/// <summary>The verdict on one series (bytes). <see cref="ChangeBytes"/> is the fitted change over the analysed window;
/// <see cref="Level"/> the fitted value at its end.</summary>
public sealed record SeriesVerdict(string Series, SeriesState State, Trend? Trend, double ChangeBytes, double Level, double WindowSeconds)
{
    public double SlopeBytesPerHour => (Trend?.SlopePerSecond ?? 0) * 3600;
}
