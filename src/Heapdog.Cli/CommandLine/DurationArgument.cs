using System.CommandLine.Parsing;
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

/// <summary>Duration options (<see cref="DurationText"/>) for System.CommandLine.</summary>
public static class DurationArgument
{
    /// <summary>An option value parser that reports a one-line error for bad text.</summary>
    public static TimeSpan Parse(System.CommandLine.Parsing.ArgumentResult result)
    {
        var token = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DurationText.TryParse(token, out var value) && value > TimeSpan.Zero) return value;
        result.AddError($"'{token}' is not a duration: use a number with a unit, e.g. 500ms, 30s, 5m, 1h");
        return TimeSpan.Zero;
    }
}
