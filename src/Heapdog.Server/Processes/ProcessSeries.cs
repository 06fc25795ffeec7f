using Heapdog.Monitoring.Store;

namespace Heapdog.Server.Processes;

/// <summary>Samples of a process bucketed for a chart: <c>values[i]</c> is the column <c>columns[i]</c>, one value per
/// point; <c>cpuPercent</c> rounded to 2 decimals, every other column a whole number, null where a bucket has none.</summary>
public sealed record ProcessSeries(
    long ProcessId,
    long FromMs,
    long ToMs,
    long StepMs,
    int Points,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyList<double?>> Values)
{
    public static ProcessSeries Of(SampleSeries series)
    {
        var columns = new List<string>(DashboardStore.SeriesColumns.Count + 1) { "timeMs" };
        var values = new List<IReadOnlyList<double?>>(series.Values.Length + 1);
        values.Add([.. series.Times.Select(t => (double?)t)]);
        for (int c = 0; c < series.Values.Length; c++)
        {
            string name = DashboardStore.SeriesColumns[c].Name;
            columns.Add(name);
            bool real = name == "cpuPercent";
            values.Add([.. series.Values[c].Select(v => v is double d ? (real ? Math.Round(d, 2) : Math.Truncate(d)) : (double?)null)]);
        }
        return new ProcessSeries(series.ProcessId, series.FromMs, series.ToMs, series.StepMs, series.Times.Count, columns, values);
    }
}
