using System.Diagnostics;
using System.Globalization;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Bench.Watch;

/// <summary>
/// SQLite insert throughput of the sample store: writes SAMPLES full samples (every column set) through
/// <see cref="SampleStore.AddSamples"/> in batches of BATCH (one transaction, durable on return), three times on a
/// fresh file each, and prints each run and the median in samples per second.
/// Usage: dotnet run -c Release --project bench/watch/StoreBench -- [SAMPLES=200000] [BATCH=1000]
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        int total = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200_000;
        int batchSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
        const int processes = 50;
        var rates = new List<double>();
        for (int run = 0; run < 3; run++)
        {
            var dir = Directory.CreateTempSubdirectory("heapdog-storebench-");
            try
            {
                using var store = SampleStore.Open(Path.Combine(dir.FullName, "bench.db"));
                var ids = new long[processes];
                for (int p = 0; p < processes; p++)
                    ids[p] = store.UpsertProcess(new ProcessIdentity(1000 + p, 1), "node", "node app.js", 0, null, 0).Id;
                var batch = new List<(long, Sample)>(batchSize);
                var clock = Stopwatch.StartNew();
                for (int i = 0; i < total; i++)
                {
                    batch.Add((ids[i % processes], Full(1_000_000L + i / processes * 1000L, i)));
                    if (batch.Count == batchSize || i == total - 1)
                    {
                        store.AddSamples(batch);
                        batch.Clear();
                    }
                }
                double rate = total / clock.Elapsed.TotalSeconds;
                rates.Add(rate);
                Console.WriteLine($"run {run + 1}: {total:N0} samples in batches of {batchSize:N0}: {clock.Elapsed.TotalSeconds:0.00} s, {rate:N0} samples/s");
            }
            finally
            {
                dir.Delete(recursive: true);
            }
        }
        rates.Sort();
        Console.WriteLine($"median: {rates[1]:N0} samples/s");
        return 0;
    }

    private static Sample Full(long time, int i) => new()
    {
        TimeMs = time, Rss = 100_000_000 + i, RssAnon = 80_000_000 + i, RssFile = 20_000_000, RssShmem = 0, PeakRss = 120_000_000,
        V8Heap = 50_000_000 + i, Native = 30_000_000, CpuPercent = 1.5, Threads = 11, OpenFds = 23, OomScore = 667, OomScoreAdj = 0,
        CgroupUsage = 500_000_000, CgroupLimit = 1_000_000_000, CgroupOomKills = 0, HeapUsed = 40_000_000 + i, HeapTotal = 60_000_000,
        External = 2_000_000, ArrayBuffers = 1_000_000, HeapLimit = 4_000_000_000, NativeContexts = 1, DetachedContexts = 0,
        GcCount = i, GcTimeMs = i / 10,
    };
}
