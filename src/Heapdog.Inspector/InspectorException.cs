namespace Heapdog.Inspector;

/// <summary>An anticipated failure to reach or drive a Node inspector. The message is one line that names the target.</summary>
public sealed class InspectorException(InspectorErrorKind kind, string message, Exception? inner = null) : Exception(message, inner)
{
    public InspectorErrorKind Kind { get; } = kind;
}
