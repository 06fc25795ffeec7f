namespace Heapdog.Cli.CommandLine;

/// <summary>
/// An error Heapdog anticipated. Its message is printed verbatim as one line (no stack trace unless --verbose),
/// so it must say what went wrong and where.
/// </summary>
public sealed class HeapdogException(string message, int exitCode, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;
}
