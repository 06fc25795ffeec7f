using System.Diagnostics;
using System.Globalization;
using Heapdog.Inspector;
using Heapdog.Monitoring.Sampling;
using Heapdog.Processes;

namespace Heapdog.Bench.Watch;

/// <summary>
/// Cost of <c>watch --runtime</c>'s reads: starts N idle Node processes (bench/watch/idle.js, --inspect-port=0), opens
/// the runtime probe on each, then times READS single reads of one process one after another, and READS rounds of
/// all N processes as the watcher takes them (<see cref="ProcessSampler.SampleAllAsync"/>: /proc plus runtime figures),
/// 50 ms apart (latency does not depend on the interval). Prints medians and 90th percentiles.
/// Usage: dotnet run -c Release --project bench/watch/RuntimeBench -- [N=10] [READS=200]
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 10;
        int reads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200;
        string idle = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../idle.js"));
        var nodes = new List<Process>();
        try
        {
            for (int i = 0; i < n; i++)
            {
                var start = new ProcessStartInfo("node") { UseShellExecute = false, RedirectStandardError = true };
                start.ArgumentList.Add("--inspect-port=0");
                start.ArgumentList.Add(idle);
                nodes.Add(Process.Start(start)!);
            }
            await Task.Delay(1000);
            var ids = nodes.Select(p => ProcessReader.TryRead(p.Id)!.Identity).ToArray();
            await using var probe = new InspectorRuntimeProbe(log: Console.Error.WriteLine);
            var sampler = new ProcessSampler(probe);
            // Open every session and let the JIT settle before timing.
            for (int warm = 0; warm < 40; warm++)
            {
                sampler.BeginRound(n);
                await sampler.SampleAllAsync(ids, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None);
                await Task.Delay(50);
            }

            var single = new double[reads];
            for (int i = 0; i < reads; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                if (await probe.ReadAsync(ids[0], CancellationToken.None) is null) throw new InvalidOperationException("read failed");
                single[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                await Task.Delay(20);
            }
            var rounds = new double[reads];
            for (int i = 0; i < reads; i++)
            {
                sampler.BeginRound(n);
                long t0 = Stopwatch.GetTimestamp();
                var samples = await sampler.SampleAllAsync(ids, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), CancellationToken.None);
                rounds[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (samples.Any(s => s is null || s.HeapUsed < 0)) throw new InvalidOperationException("a sample lacks runtime figures");
                await Task.Delay(50);
            }
            Console.WriteLine($"one runtime read (one process): median {Median(single):0.00} ms, p90 {Percentile(single, 0.9):0.00} ms ({reads} reads)");
            Console.WriteLine($"one round of {n} processes (/proc + runtime, concurrent): median {Median(rounds):0.00} ms, p90 {Percentile(rounds, 0.9):0.00} ms ({reads} rounds)");
            return 0;
        }
        finally
        {
            foreach (var p in nodes) { p.Kill(); p.WaitForExit(); p.Dispose(); }
        }
    }

    private static double Median(double[] values) => Percentile(values, 0.5);

    private static double Percentile(double[] values, double q)
    {
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        return sorted[(int)Math.Round(q * (sorted.Length - 1))];
    }
}
