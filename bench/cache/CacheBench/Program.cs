using System.Diagnostics;
using System.Globalization;
using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Caching;

namespace Heapdog.Bench.Cache;

/// <summary>
/// Reopening a snapshot from its analysis index against parsing and analysing it, in one process (as the dashboard
/// server does both). Per snapshot: one read + analyse, one index write, RUNS × load with the index in the page
/// cache, RUNS × load with the index dropped from the page cache first (<c>dd iflag=nocache</c>); prints each run
/// (wall time, and the process's CPU time, all threads), the medians, and the index size against the snapshot's.
/// The index is written beside the snapshot and deleted.
/// Usage: dotnet run -c Release --project bench/cache/CacheBench -- RUNS SNAPSHOT...
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out int runs) || runs < 1)
        {
            Console.Error.WriteLine("usage: CacheBench RUNS SNAPSHOT...");
            return 2;
        }
        Console.WriteLine("| snapshot | nodes / edges | parse + analyse | write index | load, cached: wall (CPU) | load, not cached: wall (CPU) | speed-up (cached) | index size | index / snapshot |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string snapshotPath in args[1..])
        {
            string index = AnalysisIndex.PathFor(snapshotPath);
            Collect();
            var clock = Stopwatch.StartNew();
            var fresh = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(snapshotPath));
            double analyse = clock.Elapsed.TotalSeconds;
            var writeClock = Stopwatch.StartNew();
            AnalysisIndex.Write(index, snapshotPath, fresh);
            double write = writeClock.Elapsed.TotalSeconds;
            var (nodes, edges) = (fresh.Snapshot.NodeCount, fresh.Snapshot.EdgeCount);
            fresh = null;
            try
            {
                var warm = Load(index, snapshotPath, runs, dropCache: false);
                var cold = Load(index, snapshotPath, runs, dropCache: true);
                long indexBytes = new FileInfo(index).Length, snapshotBytes = new FileInfo(snapshotPath).Length;
                Console.Error.WriteLine($"{Path.GetFileName(snapshotPath)}: load cached {Runs(warm)}; load not cached {Runs(cold)}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {snapshotBytes / 1e6:F0} MB | {nodes / 1e6:F2} M / {edges / 1e6:F2} M | {analyse:F2} s | {write:F2} s | {Median(warm, t => t.Wall):F3} s ({Median(warm, t => t.Cpu):F3} s) | {Median(cold, t => t.Wall):F3} s ({Median(cold, t => t.Cpu):F3} s) | {analyse / Median(warm, t => t.Wall):F0}× | {indexBytes / 1e6:F0} MB | {(double)indexBytes / snapshotBytes:F3} |"));
            }
            finally
            {
                File.Delete(index);
            }
        }
        return 0;
    }

    private static List<(double Wall, double Cpu)> Load(string index, string snapshotPath, int runs, bool dropCache)
    {
        var times = new List<(double, double)>();
        using var self = Process.GetCurrentProcess();
        for (int run = 0; run < runs; run++)
        {
            Collect();
            if (dropCache) DropFromPageCache(index);
            self.Refresh();
            var cpu = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            if (!AnalysisIndex.TryLoad(index, snapshotPath, out var loaded)) throw new InvalidOperationException($"{index} was refused");
            double wall = clock.Elapsed.TotalSeconds;
            self.Refresh();
            times.Add((wall, (self.TotalProcessorTime - cpu).TotalSeconds));
            GC.KeepAlive(loaded);
        }
        return times;
    }

    private static void DropFromPageCache(string path)
    {
        using var dd = Process.Start(new ProcessStartInfo("dd", ["if=" + path, "iflag=nocache", "count=0", "status=none"]))!;
        dd.WaitForExit();
        if (dd.ExitCode != 0) throw new InvalidOperationException("dd could not drop the index from the page cache");
    }

    private static void Collect()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
    }

    private static double Median(List<(double Wall, double Cpu)> runs, Func<(double Wall, double Cpu), double> of)
    {
        var sorted = runs.Select(of).Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Runs(List<(double Wall, double Cpu)> runs) =>
        string.Join(", ", runs.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Wall:F3} ({r.Cpu:F3})")));
}
