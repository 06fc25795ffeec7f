using Heapdog.Cli.Output;
using Heapdog.Workflows.Progress;

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
