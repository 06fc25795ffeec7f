using Heapdog.Cli.Rendering;
using Heapdog.Server.Hosting;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Monitoring;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Diff;
using Heapdog.Workflows.Reports.Dominators;
using Heapdog.Workflows.Reports.Inspect;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Reports.Paths;
using Heapdog.Workflows.Reports.Sampling;
using Heapdog.Workflows.Reports.Strings;
using Heapdog.Workflows.Reports.Watch;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.Output;

/// <summary>A row of block characters showing a series' shape, scaled between its own minimum and maximum.</summary>
public static class Sparkline
{
    private const string Blocks = "▁▂▃▄▅▆▇█";

    public static string Render(ReadOnlySpan<long> values)
    {
        if (values.Length == 0) return "";
        long min = long.MaxValue, max = long.MinValue;
        foreach (var v in values) { if (v < min) min = v; if (v > max) max = v; }
        var chars = new char[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            int level = max == min ? 0 : (int)((values[i] - min) * (Blocks.Length - 1) / (max - min));
            chars[i] = Blocks[level];
        }
        return new string(chars);
    }
}
