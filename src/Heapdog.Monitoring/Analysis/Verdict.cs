namespace Heapdog.Monitoring.Analysis;

/// <summary>The verdict on a process: its status, where it grows, the series behind it, the nearest limit, a
/// sentence saying all that in plain words, and, while collecting, how long until it may be called steady.</summary>
public sealed record Verdict(
    VerdictStatus Status,
    GrowthClass Growth,
    IReadOnlyList<SeriesVerdict> Series,
    LimitForecast? Forecast,
    string Text,
    bool UsedRuntimeFigures,
    double? CollectingSecondsLeft = null);
