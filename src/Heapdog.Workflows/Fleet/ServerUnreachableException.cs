namespace Heapdog.Workflows.Fleet;

/// <summary>The server could not be reached or could not answer now (down, restarting, 5xx): an agent keeps buffering
/// and tries again.</summary>
public sealed class ServerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);
