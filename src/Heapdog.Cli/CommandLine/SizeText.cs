using System.Globalization;
using Heapdog.Cli.Output;
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

namespace Heapdog.Cli.CommandLine;

/// <summary>Sizes as users type them: a number of bytes, or with a binary unit <c>k</c>, <c>m</c>, <c>g</c>, <c>t</c>
/// (<c>512m</c>, <c>8g</c>, <c>1.5G</c>; a trailing <c>b</c> or <c>ib</c> is allowed).</summary>
public static class SizeText
{
    public static long Parse(string text, string option)
    {
        string t = text.Trim().ToLowerInvariant();
        if (t.EndsWith("ib", StringComparison.Ordinal)) t = t[..^2];
        else if (t.EndsWith('b')) t = t[..^1];
        long unit = 1;
        if (t.Length > 0 && "kmgt".IndexOf(t[^1], StringComparison.Ordinal) is int u and >= 0)
        {
            unit = 1L << (10 * (u + 1));
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n) || n <= 0 || n * unit > long.MaxValue / 2)
            throw new HeapdogException(ErrorKind.BadRequest, $"{option} '{text}' is not a size (examples: 500m, 8g, 1048576)");
        return (long)(n * unit);
    }
}
