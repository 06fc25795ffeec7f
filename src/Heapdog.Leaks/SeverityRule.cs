namespace Heapdog.Leaks;

/// <summary>
/// The documented severity rule. Growth is measured per snapshot interval (first to last, divided by the number of
/// intervals). <b>high</b>: grew in every interval over at least two intervals and by at least 1,000 objects/entries
/// (100 for handles) or 1 MB or 5 % of the heap per interval. <b>medium</b>: grew in every interval and by at least
/// 100 objects/entries (10 for handles) or 100 kB or 1 % of the heap per interval. <b>low</b>: anything else that
/// grew from the first snapshot to the last. A backlog is at most medium (it is a capacity problem, not a leak), and
/// with only two snapshots nothing is high (one interval is not a trend). The growth of one of V8's own kinds
/// (<c>(string)</c>, <c>(array)</c>, …) with no collection to blame is rated by bytes alone: any busy service makes
/// more strings, so their count is no sign of a leak.
/// </summary>
/// <remarks>The numbers are in <see cref="LeakThresholds"/>, each with its reason.</remarks>
public static class SeverityRule
{

    /// <param name="counts">Objects or entries per snapshot, or null when only bytes are known.</param>
    /// <param name="bytes">Bytes per snapshot.</param>
    public static Severity Rate(SuspectKind kind, long[]? counts, long[] bytes, long heapSize)
    {
        int intervals = bytes.Length - 1;
        bool everyInterval = GrewEveryInterval(counts ?? bytes);
        double countRate = counts is null ? 0 : (counts[^1] - counts[0]) / (double)intervals;
        double byteRate = (bytes[^1] - bytes[0]) / (double)intervals;
        double share = heapSize > 0 ? byteRate / heapSize : 0;
        bool handles = kind == SuspectKind.Handles;
        var severity = Severity.Low;
        if (everyInterval && (countRate >= (handles ? LeakThresholds.MediumHandleCount : LeakThresholds.MediumCount)
                              || byteRate >= LeakThresholds.MediumBytes || share >= LeakThresholds.MediumHeapShare))
            severity = Severity.Medium;
        if (everyInterval && intervals >= LeakThresholds.HighMinIntervals
                          && (countRate >= (handles ? LeakThresholds.HighHandleCount : LeakThresholds.HighCount)
                              || byteRate >= LeakThresholds.HighBytes || share >= LeakThresholds.HighHeapShare))
            severity = Severity.High;
        if (kind == SuspectKind.Backlog && severity == Severity.High) severity = Severity.Medium;
        return severity;
    }

    /// <summary>The least growth, first to last, for a class to be reported on its own: a medium rate over one interval.</summary>
    public static long MinClassGrowth(bool handles) => handles ? LeakThresholds.MediumHandleCount : LeakThresholds.MediumCount;

    /// <summary>True when every interval grew by at least <see cref="LeakThresholds.SteadyIntervalShare"/> of the
    /// average interval's growth (and the series grew every interval).</summary>
    public static bool GrewSteadily(long[] series)
    {
        if (!GrewEveryInterval(series)) return false;
        double least = LeakThresholds.SteadyIntervalShare * (series[^1] - series[0]) / (series.Length - 1);
        for (int k = 1; k < series.Length; k++)
            if (series[k] - series[k - 1] < least) return false;
        return true;
    }

    /// <summary>True when every snapshot is above the one before (and there are at least two).</summary>
    public static bool GrewEveryInterval(long[] series)
    {
        for (int k = 1; k < series.Length; k++)
            if (series[k] <= series[k - 1]) return false;
        return series.Length > 1;
    }
}
