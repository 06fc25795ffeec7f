namespace Heapdog.Workflows.Errors;

/// <summary>
/// An error Heapdog anticipated. Its message is shown verbatim as one line (no stack trace unless --verbose), so it
/// must say what went wrong and where; its <see cref="Kind"/> decides the exit code or HTTP status.
/// </summary>
public sealed class HeapdogException(ErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public ErrorKind Kind { get; } = kind;
}
