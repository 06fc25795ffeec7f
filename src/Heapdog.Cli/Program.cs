using Heapdog.Cli.CommandLine;
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

namespace Heapdog.Cli;

public static class Program
{
    public static Task<int> Main(string[] args) => CliHost.RunAsync(args, Console.Out, Console.Error);
}
