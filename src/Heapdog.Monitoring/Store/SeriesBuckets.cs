using System.Data.Common;

namespace Heapdog.Monitoring.Store;

/// <summary>
/// Buckets a chart's rows in one pass as they arrive in time order, for every store: per bucket the maximum of each
/// memory figure and the mean of the CPU figure, "not measured" (-1) left out (<see cref="IDashboardStore.Series"/>).
/// In SQLite a GROUP BY would sort every row into a temporary B-tree first, so the rows are read in primary-key order
/// and bucketed here; PostgreSQL aggregates by hash on the server and sends the buckets (<see cref="ReadBuckets"/>).
/// </summary>
internal static class SeriesBuckets
{
    /// <summary>The SQL columns of <see cref="DashboardStore.SeriesColumns"/>, in order.</summary>
    public static readonly string Columns = string.Join(", ", DashboardStore.SeriesColumns.Select(c => c.Column));

    public static long Step(long fromMs, long toMs, int points) => Math.Max(1, (toMs - fromMs + points - 1) / points);

    /// <summary>Reads rows of (time, <see cref="Columns"/>…) in time order into buckets of <paramref name="step"/> ms.</summary>
    public static SampleSeries Read(DbDataReader r, long processId, long fromMs, long toMs, long step)
    {
        int n = DashboardStore.SeriesColumns.Count;
        int cpu = n - 1; // cpuPercent, the one column averaged rather than maximised
        var times = new List<long>();
        var values = new List<double?>[n];
        for (int i = 0; i < n; i++) values[i] = [];
        var peak = new double[n];
        var count = new int[n];
        long bucket = long.MinValue;
        void Flush()
        {
            for (int i = 0; i < n; i++) values[i].Add(count[i] == 0 ? null : i == cpu ? peak[i] / count[i] : peak[i]);
        }
        while (r.Read())
        {
            long t = r.GetInt64(0);
            long b = (t - fromMs) / step;
            if (b != bucket)
            {
                if (bucket != long.MinValue) Flush();
                bucket = b;
                times.Add(t);
                Array.Clear(peak);
                Array.Clear(count);
            }
            for (int i = 0; i < n; i++)
            {
                // PostgreSQL's driver reads a BIGINT as a long only; SQLite tells each value's own type.
                double v = r.GetFieldType(i + 1) == typeof(double) ? r.GetDouble(i + 1) : r.GetInt64(i + 1);
                if (v < 0) continue; // -1: not measured
                peak[i] = i == cpu ? peak[i] + v : count[i] == 0 ? v : Math.Max(peak[i], v);
                count[i]++;
            }
        }
        if (bucket != long.MinValue) Flush();
        return new SampleSeries(processId, fromMs, toMs, step, times, values);
    }

    /// <summary>Reads rows already bucketed by the store (one a bucket: its first time, then each figure's aggregate or
    /// null), in time order.</summary>
    public static SampleSeries ReadBuckets(DbDataReader r, long processId, long fromMs, long toMs, long step)
    {
        int n = DashboardStore.SeriesColumns.Count;
        var times = new List<long>();
        var values = new List<double?>[n];
        for (int i = 0; i < n; i++) values[i] = [];
        while (r.Read())
        {
            times.Add(r.GetInt64(0));
            for (int i = 0; i < n; i++) values[i].Add(r.IsDBNull(i + 1) ? null : r.GetDouble(i + 1));
        }
        return new SampleSeries(processId, fromMs, toMs, step, times, values);
    }
}
