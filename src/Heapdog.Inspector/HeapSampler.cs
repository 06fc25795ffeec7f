using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Heapdog.Inspector;

/// <summary>
/// V8's sampling heap profiler: one allocation in about every <c>samplingInterval</c> bytes is recorded with its stack.
/// Only allocations still live at the end are kept (a full GC runs first), so the result points at what grows,
/// not at what merely churns.
/// </summary>
public static class HeapSampler
{
    public const int DefaultInterval = 32768;

    /// <param name="progress">Gets the elapsed fraction of <paramref name="duration"/>.</param>
    public static async Task<SampledHeap> RunAsync(CdpSession session, TimeSpan duration, int samplingInterval = DefaultInterval,
        IProgress<double>? progress = null, CancellationToken cancellationToken = default)
    {
        await session.SendAsync("HeapProfiler.enable", cancellationToken: cancellationToken).ConfigureAwait(false);
        await session.SendAsync("HeapProfiler.startSampling", new JsonObject
        {
            ["samplingInterval"] = samplingInterval,
            ["stackDepth"] = 64,
            ["includeObjectsCollectedByMajorGC"] = false,
            ["includeObjectsCollectedByMinorGC"] = false,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);

        var clock = Stopwatch.StartNew();
        bool stopped = false;
        try
        {
            while (clock.Elapsed < duration)
            {
                progress?.Report(clock.Elapsed / duration);
                // Time passes between the loop test and here: never ask Task.Delay for a negative wait.
                var left = duration - clock.Elapsed;
                var wait = left <= TimeSpan.Zero ? TimeSpan.Zero : left < TimeSpan.FromMilliseconds(250) ? left : TimeSpan.FromMilliseconds(250);
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
            progress?.Report(1);
            await session.SendAsync("HeapProfiler.collectGarbage", timeout: TimeSpan.FromMinutes(5), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            var result = await session.SendAsync("HeapProfiler.stopSampling", timeout: TimeSpan.FromMinutes(2), cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            stopped = true;
            var profile = result.GetProperty("profile");
            var (sites, total) = Summarize(profile);
            return new SampledHeap(profile, sites, total, clock.Elapsed, samplingInterval);
        }
        finally
        {
            if (!stopped && !session.IsClosed)
            {
                // Left running, the sampler would keep costing the target after Heapdog is gone.
                try { await session.SendAsync("HeapProfiler.stopSampling", timeout: TimeSpan.FromSeconds(10)).ConfigureAwait(false); }
                catch (InspectorException) { }
            }
        }
    }

    /// <summary>Sums <c>selfSize</c> and sample counts per call frame over the whole tree.</summary>
    internal static (List<AllocationSite> Sites, long Total) Summarize(JsonElement profile)
    {
        var samplesPerNode = new Dictionary<int, int>();
        if (profile.TryGetProperty("samples", out var samples))
            foreach (var sample in samples.EnumerateArray())
            {
                int node = sample.GetProperty("nodeId").GetInt32();
                samplesPerNode[node] = samplesPerNode.GetValueOrDefault(node) + 1;
            }

        var bySite = new Dictionary<(string, string, int, int), (long Bytes, int Samples)>();
        long total = 0;
        var stack = new Stack<JsonElement>();
        stack.Push(profile.GetProperty("head"));
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            long self = node.GetProperty("selfSize").GetInt64();
            if (self > 0)
            {
                var frame = node.GetProperty("callFrame");
                var key = (frame.GetProperty("functionName").GetString() ?? "", frame.GetProperty("url").GetString() ?? "",
                    frame.GetProperty("lineNumber").GetInt32() + 1, frame.GetProperty("columnNumber").GetInt32() + 1);
                var sum = bySite.GetValueOrDefault(key);
                bySite[key] = (sum.Bytes + self, sum.Samples + samplesPerNode.GetValueOrDefault(node.GetProperty("id").GetInt32()));
                total += self;
            }
            if (node.TryGetProperty("children", out var children))
                foreach (var child in children.EnumerateArray()) stack.Push(child);
        }
        var sites = new List<AllocationSite>(bySite.Count);
        foreach (var ((function, url, line, column), (bytes, count)) in bySite)
            sites.Add(new AllocationSite(function, url, Math.Max(line, 0), Math.Max(column, 0), bytes, count));
        sites.Sort((a, b) => b.Bytes.CompareTo(a.Bytes));
        return (sites, total);
    }
}
