using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;
using Npgsql;
using NpgsqlTypes;

namespace Heapdog.Bench.Fleet;

/// <summary>
/// The fleet benchmark on the PostgreSQL store (bench/README.md, "fleet"):
/// 1. Pre-fill: PREFILL processes with 7 days of history as the store holds it under the default retention (the last
///    day raw every 5 s, the 6 days before as per-minute rollups), written in time order across processes as live
///    ingest writes it (so one process's rows are spread over as many pages as they can be), through binary COPY.
/// 2. Ingest: HOSTS hosts × PROCESSES processes sampled every 5 s for SECONDS: each host's round is one batch of
///    PROCESSES samples written through <see cref="ISampleStore.AddSamples"/> (the server's batch write path), hosts
///    spread evenly over the interval, at most WRITERS batches in flight (the server's request threads). Prints
///    batches and samples per second, batch latency p50/p99/max and how far behind schedule the writers fell. With
///    --agents, each batch is an agent's (<see cref="IFleetStore.ApplyBatch"/>, what <c>POST /api/agent/batches</c>
///    runs): its host, its processes' metadata, their samples and verdicts, its sequence recorded in the same transaction.
/// 3. Query: the 7-day chart (<see cref="IDashboardStore.Series"/>, 600 points, the API's default) of pre-filled
///    processes, the first read of each (pages not yet cached by this run) and then again.
/// Usage: FleetBench URL [--hosts 500] [--processes 20] [--seconds 120] [--prefill 200] [--writers 8] [--queries 20] [--agents]
/// </summary>
public static class Program
{
    private const long IntervalMs = 5000;
    private const long DayMs = 86_400_000;

    public static int Main(string[] args)
    {
        string url = args[0];
        int Option(string name, int fallback)
        {
            int i = Array.IndexOf(args, name);
            return i > 0 ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        }
        int hosts = Option("--hosts", 500), perHost = Option("--processes", 20), seconds = Option("--seconds", 120);
        int prefill = Option("--prefill", 200), writers = Option("--writers", 8), queries = Option("--queries", 20);
        bool agents = args.Contains("--agents");

        using var store = PostgresStore.Open(url);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var ids = new long[hosts * perHost];
        Parallel.For(0, ids.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
            ids[i] = store.UpsertProcess(new ProcessIdentity(10_000 + i, i), "node", $"node host{i / perHost}/app{i % perHost}.js", now - 7 * DayMs, null, now).Id);
        Console.WriteLine($"store {store.Location}: {ids.Length:N0} processes ({hosts} hosts × {perHost})");

        var prefilled = ids.Take(Math.Min(prefill, ids.Length)).ToArray();
        Prefill(url, prefilled, now);
        Ingest(store, ids, hosts, perHost, seconds, writers, agents);
        Query(store, prefilled.Take(queries).ToArray(), now);
        if (prefilled.Length > 0) Explain(url, prefilled[0], now);
        return 0;
    }

    private static NpgsqlConnection Connect(string url)
    {
        // The bench's own connection for COPY and table sizes: the store's connection string handling, reused.
        var c = new NpgsqlConnection(StoreConnection(url));
        c.Open();
        return c;
    }

    private static string StoreConnection(string url)
    {
        var uri = new Uri(url);
        string[] user = uri.UserInfo.Split(':', 2);
        var b = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port > 0 ? uri.Port : 5432, Database = uri.AbsolutePath.TrimStart('/'), Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : Environment.GetEnvironmentVariable("PGPASSWORD"),
            CommandTimeout = 0, // a pre-fill COPY on a loaded machine may take minutes
        };
        return b.ConnectionString;
    }

    /// <summary>A service-shaped sample: a heap that saws between collections over a slowly rising floor.</summary>
    private static void Shape(long processId, long t, Span<long> v)
    {
        long hour = t / 3_600_000;
        long heap = 60_000_000 + (hour % 500) * 200_000 + (t / 5000 % 12) * 2_000_000 + processId % 7 * 1_000_000;
        v.Fill(-1);
        v[0] = heap + 40_000_000; // rss
        v[5] = heap; // v8_heap
        v[15] = heap - 5_000_000; // heap_used
        v[16] = heap + 8_000_000; // heap_total
    }

    private static void Prefill(string url, long[] processes, long now)
    {
        if (processes.Length == 0) return;
        var clock = Stopwatch.StartNew();
        var columns = SampleColumns.All;
        Span<long> v = stackalloc long[columns.Length];
        long rawFrom = (now - DayMs) / 60000 * 60000;
        long minutes = 0, raw = 0;
        using var c = Connect(url);
        using (var copy = c.BeginBinaryImport($"COPY samples_minute (process_id, minute_ms, n, {SampleColumns.Names}) FROM STDIN (FORMAT BINARY)"))
        {
            copy.Timeout = TimeSpan.Zero;
            for (long m = (now - 7 * DayMs) / 60000 * 60000; m < rawFrom; m += 60000)
                foreach (long p in processes)
                {
                    Shape(p, m, v);
                    copy.StartRow();
                    copy.Write(p, NpgsqlDbType.Bigint);
                    copy.Write(m, NpgsqlDbType.Bigint);
                    copy.Write(12, NpgsqlDbType.Integer);
                    WriteColumns(copy, v);
                    minutes++;
                }
            copy.Complete();
        }
        using (var copy = c.BeginBinaryImport($"COPY samples (process_id, time_ms, {SampleColumns.Names}) FROM STDIN (FORMAT BINARY)"))
        {
            copy.Timeout = TimeSpan.Zero;
            // Up to 10 minutes before now: the ingest phase writes from now on, under the same keys.
            for (long t = rawFrom; t < now - 600_000; t += IntervalMs)
                foreach (long p in processes)
                {
                    Shape(p, t, v);
                    copy.StartRow();
                    copy.Write(p, NpgsqlDbType.Bigint);
                    copy.Write(t, NpgsqlDbType.Bigint);
                    WriteColumns(copy, v);
                    raw++;
                }
            copy.Complete();
        }
        foreach (string table in (ReadOnlySpan<string>)["samples", "samples_minute"])
        {
            using var analyze = new NpgsqlCommand($"VACUUM ANALYZE {table}", c);
            analyze.ExecuteNonQuery();
        }
        Console.WriteLine($"prefill: {processes.Length} processes × 7 days = {minutes:N0} per-minute rows + {raw:N0} raw rows by COPY in {clock.Elapsed.TotalSeconds:F1} s "
            + $"({(minutes + raw) / clock.Elapsed.TotalSeconds:N0} rows/s); {Sizes(c)}");
    }

    private static void WriteColumns(NpgsqlBinaryImporter copy, Span<long> v)
    {
        var columns = SampleColumns.All;
        for (int i = 0; i < columns.Length; i++)
        {
            if (columns[i].Real) copy.Write((double)v[i], NpgsqlDbType.Double);
            else copy.Write(v[i], NpgsqlDbType.Bigint);
        }
    }

    private static string Sizes(NpgsqlConnection c)
    {
        using var cmd = new NpgsqlCommand("""
            SELECT pg_size_pretty(pg_total_relation_size('samples')), pg_size_pretty(pg_total_relation_size('samples_minute')),
                   pg_size_pretty(pg_relation_size('samples_time'))
            """, c);
        using var r = cmd.ExecuteReader();
        r.Read();
        return $"samples {r.GetString(0)} (BRIN index {r.GetString(2)}), samples_minute {r.GetString(1)}";
    }

    private static void Ingest(PostgresStore store, long[] ids, int hosts, int perHost, int seconds, int writers, bool agents)
    {
        long rounds = seconds * 1000L / IntervalMs;
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var latencies = new ConcurrentBag<double>();
        long worstLagMs = 0, samples = 0;
        using var gate = new SemaphoreSlim(writers);
        var tasks = new List<Task>();
        var clock = Stopwatch.StartNew();
        // Host h's round r is due at r×5 s + h×(5 s / hosts): 100 batches a second for 500 hosts.
        for (long r = 0; r < rounds; r++)
            for (int h = 0; h < hosts; h++)
            {
                long dueMs = r * IntervalMs + h * IntervalMs / hosts;
                long wait = dueMs - clock.ElapsedMilliseconds;
                if (wait > 0) Thread.Sleep((int)wait);
                gate.Wait();
                long lag = clock.ElapsedMilliseconds - dueMs;
                if (lag > worstLagMs) worstLagMs = lag;
                int host = h;
                long round = r;
                tasks.Add(Task.Run(() =>
                {
                    try
                    {
                        var batch = new List<(long, Sample)>(perHost);
                        Span<long> v = stackalloc long[SampleColumns.All.Length];
                        for (int i = 0; i < perHost; i++)
                        {
                            long p = ids[host * perHost + i];
                            long t = start + round * IntervalMs + host;
                            Shape(p, t, v);
                            batch.Add((p, new Sample { TimeMs = t, Rss = v[0], V8Heap = v[5], HeapUsed = v[15], HeapTotal = v[16], CpuPercent = 3.5 }));
                        }
                        var one = Stopwatch.StartNew();
                        if (agents) store.ApplyBatch($"host{host}", AgentRound(host, round, start, batch), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                        else store.AddSamples(batch);
                        latencies.Add(one.Elapsed.TotalMilliseconds);
                        Interlocked.Add(ref samples, perHost);
                    }
                    finally { gate.Release(); }
                }));
            }
        Task.WaitAll(tasks);
        double elapsed = clock.Elapsed.TotalSeconds;
        var sorted = latencies.Order().ToArray();
        Console.WriteLine($"ingest{(agents ? " (agents' batches)" : "")}: {hosts} hosts × {perHost} processes every 5 s for {seconds} s, {(int)Math.Min(writers, hosts)} writers: "
            + $"{sorted.Length:N0} batches, {samples:N0} samples in {elapsed:F1} s = {samples / elapsed:N0} samples/s ({sorted.Length / elapsed:N0} batches/s); "
            + $"batch latency p50 {Pct(sorted, 0.50):F1} ms, p99 {Pct(sorted, 0.99):F1} ms, max {sorted[^1]:F1} ms; worst start lag {worstLagMs} ms");
    }

    /// <summary>Host <paramref name="host"/>'s round as its agent ships it: the host's processes by the agent's own ids
    /// (the samples' indexes), their samples in every column and a verdict each, sequence round + 1.</summary>
    private static AgentBatch AgentRound(int host, long round, long start, List<(long, Sample)> samples) => new(
        $"agent-{host}", round + 1, $"host{host}", "bench", start + round * IntervalMs, 0, SampleColumnNames.All,
        [.. samples.Select((_, i) => new BatchProcess(i, 10_000 + i, i, start - 7 * DayMs, "node", $"node app{i}.js", null, null, null, start, start + round * IntervalMs))],
        [.. samples.Select((s, i) => new BatchRow(i, s.Item2.TimeMs, 1, [.. SampleColumns.All.Select(c => c.Get(s.Item2))]))], [], [],
        [.. samples.Select((s, i) => new BatchVerdict(i, s.Item2.TimeMs, "{\"status\":\"steady\"}"))]);

    private static void Query(PostgresStore store, long[] processes, long now)
    {
        if (processes.Length == 0) return;
        var first = new List<double>();
        var again = new List<double>();
        int points = 0;
        foreach (long p in processes)
        {
            var clock = Stopwatch.StartNew();
            var series = store.Series(p, now - 7 * DayMs, now, 600);
            first.Add(clock.Elapsed.TotalMilliseconds);
            points = series.Times.Count;
        }
        for (int round = 0; round < 3; round++)
            foreach (long p in processes)
            {
                var clock = Stopwatch.StartNew();
                store.Series(p, now - 7 * DayMs, now, 600);
                again.Add(clock.Elapsed.TotalMilliseconds);
            }
        var f = first.Order().ToArray();
        var a = again.Order().ToArray();
        Console.WriteLine($"query: 7-day chart, 600 points ({points} filled), {processes.Length} processes: first read p50 {Pct(f, 0.5):F0} ms, max {f[^1]:F0} ms; "
            + $"again p50 {Pct(a, 0.5):F0} ms, p99 {Pct(a, 0.99):F0} ms");
    }

    /// <summary>The chart's plan as PostgreSQL runs it: its own execution time and pages, without the client's part.</summary>
    private static void Explain(string url, long processId, long now)
    {
        using var c = Connect(url);
        long from = now - 7 * DayMs, step = (now - from + 599) / 600;
        using var cmd = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + PostgresStore.BucketedSeries, c);
        cmd.Parameters.AddWithValue("p", processId);
        cmd.Parameters.AddWithValue("from", from);
        cmd.Parameters.AddWithValue("to", now);
        cmd.Parameters.AddWithValue("step", step);
        cmd.Parameters.AddWithValue("mfrom", PostgresStore.MinuteKey(from));
        cmd.Parameters.AddWithValue("mto", PostgresStore.MinuteKey(now));
        var lines = new List<string>();
        using (var r = cmd.ExecuteReader())
            while (r.Read()) lines.Add(r.GetString(0).Trim());
        Console.WriteLine("plan: " + string.Join(" | ", lines.Where(l => l.Contains(" Scan ", StringComparison.Ordinal) || l.StartsWith("Heap Fetches", StringComparison.Ordinal)
            || l.StartsWith("Execution", StringComparison.Ordinal)).Distinct()) + " | " + lines.First(l => l.StartsWith("Buffers", StringComparison.Ordinal)));
    }

    private static double Pct(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
}
