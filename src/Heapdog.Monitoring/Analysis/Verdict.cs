namespace Heapdog.Monitoring.Analysis;

/// <summary>The verdict on a process: its status, where it grows, the series behind it, the nearest limit, and a
/// sentence saying all that in plain words.</summary>
public sealed record Verdict(
    VerdictStatus Status,
    GrowthClass Growth,
    IReadOnlyList<SeriesVerdict> Series,
    LimitForecast? Forecast,
    string Text,
    bool UsedRuntimeFigures);
