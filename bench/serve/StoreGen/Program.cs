using System.Diagnostics;
using System.Globalization;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Bench.Serve;

/// <summary>
/// Writes the store the dashboard benchmark reads: PROCESSES made-up Node processes, each with DAYS days of raw samples
/// every 5 s ending now (120,960 per process for 7 days), shaped like a service with a slow leak: the heap saws up
/// between collections over a floor that rises a little every hour, RSS follows the heap plus a slowly growing native
/// part. Prints the process ids, one a line. Writing to a store a running <c>heapdog serve</c> already opened keeps
/// every row raw: the watcher applies retention only when it starts.
/// Then, with <c>--time</c>, times <see cref="DashboardStore.Series"/> in this process (no HTTP, no JSON) for the
/// given point counts over the whole range and the last hour, median and p99 of RUNS calls each.
/// Usage: StoreGen DB [PROCESSES=3] [DAYS=7]
///        StoreGen DB --time PROCESS_ID RUNS POINTS...
/// </summary>
public static class Program
{
    private const long IntervalMs = 5000;
    private const long Mb = 1_000_000;

    public static int Main(string[] args)
    {
        if (args.Length >= 4 && args[1] == "--time")
        {
            TimeSeries(args[0], long.Parse(args[2], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture),
                args[4..].Select(a => int.Parse(a, CultureInfo.InvariantCulture)).ToArray());
            return 0;
        }
        int processes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3;
        int days = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 7;
        Generate(args[0], processes, days);
        return 0;
    }

    private static void Generate(string path, int processes, int days)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / IntervalMs * IntervalMs;
        long count = days * 86_400_000L / IntervalMs;
        long start = now - (count - 1) * IntervalMs;
        using var store = SampleStore.Open(path);
        var clock = Stopwatch.StartNew();
        var batch = new List<(long, Sample)>(10_000);
        for (int p = 0; p < processes; p++)
        {
            var process = store.UpsertProcess(new ProcessIdentity(3_000_000 + p, 1000 + p), "node", $"node service-{p}.js", start - 60_000, null, start);
            var random = new Random(17 + p);
            double heap = 40 * Mb, floor = 40 * Mb, native = 30 * Mb;
            long gcCount = 0, gcTime = 0;
            // Each service leaks at its own pace: 2, 4, 6 MB of heap per hour.
            double leakPerSample = (2 + 2 * p) * Mb / 720.0;
            for (long i = 0; i < count; i++)
            {
                heap += (0.6 + random.NextDouble()) * Mb;
                floor += leakPerSample;
                if (heap > floor + 60 * Mb)
                {
                    heap = floor + random.NextDouble() * 2 * Mb;
                    gcCount++;
                    gcTime += 3 + random.Next(6);
                }
                native += leakPerSample * 0.1 + (random.NextDouble() - 0.5) * 0.2 * Mb;
                long heapTotal = (long)(floor + 72 * Mb) / Mb * Mb;
                long rssAnon = heapTotal + (long)native;
                long rss = rssAnon + 38 * Mb;
                var s = new Sample
                {
                    TimeMs = start + i * IntervalMs, Rss = rss, RssAnon = rssAnon, RssFile = 38 * Mb, RssShmem = 0, PeakRss = rss + 4 * Mb,
                    V8Heap = heapTotal, Native = (long)native, CpuPercent = 2 + random.NextDouble() * 6, Threads = 11, OpenFds = 40 + random.Next(8),
                    OomScore = 600 + (int)(rss / (200 * Mb)), OomScoreAdj = 0, CgroupUsage = rss + 60 * Mb, CgroupLimit = 4096 * Mb, CgroupOomKills = 0,
                    HeapUsed = (long)heap, HeapTotal = heapTotal, External = 3 * Mb, ArrayBuffers = Mb, HeapLimit = 4144 * Mb,
                    NativeContexts = 1, DetachedContexts = 0, GcCount = gcCount, GcTimeMs = gcTime,
                };
                batch.Add((process.Id, s));
                if (batch.Count == batch.Capacity || i == count - 1)
                {
                    store.AddSamples(batch);
                    batch.Clear();
                }
            }
            Console.WriteLine(process.Id.ToString(CultureInfo.InvariantCulture));
        }
        Console.Error.WriteLine($"wrote {processes} x {count:N0} samples ({days} days every 5 s) in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static void TimeSeries(string path, long processId, int runs, int[] pointCounts)
    {
        var store = new DashboardStore(Path.GetFullPath(path));
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        foreach (var (label, from) in new[] { ("7 days", now - 7 * 86_400_000L), ("1 hour", now - 3_600_000L) })
        {
            foreach (int points in pointCounts)
            {
                store.Series(processId, from, now, points);
                var ms = new double[runs];
                int returned = 0;
                for (int r = 0; r < runs; r++)
                {
                    long t0 = Stopwatch.GetTimestamp();
                    returned = store.Series(processId, from, now, points).Times.Count;
                    ms[r] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                }
                Array.Sort(ms);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"series\t{label}\t{points}\t{returned}\t{ms[runs / 2]:0.0}\t{ms[Math.Min(runs - 1, (int)Math.Ceiling(runs * 0.99) - 1)]:0.0}"));
            }
        }
    }
}
