using Heapdog.Cli.Output;

namespace Heapdog.Cli.CommandLine;

/// <summary>The console seam handed to every command: results go to <see cref="Out"/>, progress to stderr.</summary>
public sealed class CliContext(TextWriter output, TextWriter error)
{
    public TextWriter Out { get; } = output;
    public TextWriter Error { get; } = error;
    /// <summary>For work that must print nothing: the dashboard's jobs, the watch's snapshot rules.</summary>
    public static CliContext Quiet => new(TextWriter.Null, TextWriter.Null);

    public StatusLine Progress { get; } = new(error, interactive: ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
}
