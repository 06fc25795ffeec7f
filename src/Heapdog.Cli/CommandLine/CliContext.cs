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

/// <summary>The console seam handed to every command: results go to <see cref="Out"/>, progress to stderr.</summary>
public sealed class CliContext : IWorkProgress
{
    public CliContext(TextWriter output, TextWriter error)
    {
        Out = output;
        Error = error;
        Progress = new StatusLine(error, interactive: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public StatusLine Progress { get; }

    void IWorkProgress.Report(string phase, double fraction) => Progress.Report(phase, fraction);

    /// <summary>Warnings and notes go to stderr as <c>heapdog: LINE</c>, below a cleared status line.</summary>
    public void Notice(string line)
    {
        Progress.Clear();
        Error.WriteLine("heapdog: " + line);
    }

    public void Clear() => Progress.Clear();
}
