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
        // Progress is drawn only on a terminal: redirected, stderr carries warnings and errors alone.
        Progress = new StatusLine(error, interactive: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
        Colours = Colours.ForConsoleOutput(output);
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public StatusLine Progress { get; }

    /// <summary>Severity and verdict colours for <see cref="Out"/> (none when redirected or with NO_COLOR).</summary>
    public Colours Colours { get; }

    /// <summary>Set by <c>--quiet</c>: no progress, no notes; warnings and errors are still printed.</summary>
    public bool Quiet
    {
        get;
        set
        {
            field = value;
            if (value) Progress.Enabled = false;
        }
    }

    void IWorkProgress.Report(string phase, double fraction) => Progress.Report(phase, fraction);

    void IWorkProgress.ReportBytes(string phase, long done, long total) => Progress.ReportBytes(phase, done, total);

    /// <summary>Warnings and notes go to stderr as <c>heapdog: LINE</c>, below a cleared status line; with
    /// <c>--quiet</c> only warnings do.</summary>
    public void Notice(string line)
    {
        if (Quiet && !line.StartsWith("warning", StringComparison.Ordinal)) return;
        Progress.Interrupt();
        Error.WriteLine("heapdog: " + line);
    }

    /// <summary>A line for the user that is neither a result nor a warning (what a command is doing); not with <c>--quiet</c>.</summary>
    public void Info(string line)
    {
        if (Quiet) return;
        Progress.Interrupt();
        Error.WriteLine(line);
    }

    public void Clear() => Progress.Clear();

    IWorkProgress IWorkProgress.Beside(string lane) => new Lane(this, lane);

    /// <summary>Work beside the command's own (a snapshot read ahead): its phases are timed in a lane of their own.</summary>
    private sealed class Lane(CliContext context, string name) : IWorkProgress
    {
        public void Report(string phase, double fraction) => context.Progress.Report(phase, fraction, name);

        public void ReportBytes(string phase, long done, long total) => context.Progress.ReportBytes(phase, done, total, name);

        public void Notice(string line) => context.Notice(line);

        public void Clear() => context.Progress.EndLane(name);
    }
}
