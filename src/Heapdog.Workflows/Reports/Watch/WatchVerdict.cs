using System.Text.Json.Serialization;
using Heapdog.Monitoring.Analysis;

namespace Heapdog.Workflows.Reports.Watch;

/// <summary>A process's verdict as the end-of-watch report, <c>heapdog oom</c> and the processes API show it (docs/watch.md).</summary>
public sealed record WatchVerdict(
    string Status,
    string Growth,
    string Text,
    bool UsedRuntimeFigures,
    IReadOnlyList<WatchVerdict.SeriesTrend> Series,
    WatchVerdict.VerdictForecast? Forecast,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? CollectingSecondsLeft = null)
{
    /// <summary>One series' state; the trend figures are left out when there were too few points for a trend.</summary>
    public sealed record SeriesTrend(
        string Name,
        string State,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Points,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? WindowSeconds,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? SlopeBytesPerHour,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? ChangeBytes,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? LevelBytes,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Tau,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? PValue,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? NoiseBytes);

    /// <summary>The limit the process would reach first at its current growth, and in how many seconds.</summary>
    public sealed record VerdictForecast(string Limit, long LimitBytes, long CurrentBytes, double Seconds);

    public static WatchVerdict From(Verdict v) => new(
        VerdictAnalyzer.Name(v.Status),
        VerdictAnalyzer.Name(v.Growth),
        v.Text,
        v.UsedRuntimeFigures,
        [.. v.Series.Select(s => s.Trend is { } tr
            ? new SeriesTrend(s.Series, VerdictAnalyzer.Name(s.State), tr.Count, Math.Round(s.WindowSeconds, 1),
                Math.Round(s.SlopeBytesPerHour), Math.Round(s.ChangeBytes), Math.Round(s.Level), Math.Round(tr.Tau, 3), tr.PValue,
                Math.Round(tr.ResidualSpread))
            : new SeriesTrend(s.Series, VerdictAnalyzer.Name(s.State), null, null, null, null, null, null, null, null))],
        v.Forecast is { } f ? new VerdictForecast(f.Limit, f.LimitBytes, f.CurrentBytes, Math.Round(f.Seconds)) : null,
        v.CollectingSecondsLeft is { } left ? Math.Round(left) : null);
}
