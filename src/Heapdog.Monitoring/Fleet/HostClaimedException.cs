namespace Heapdog.Monitoring.Fleet;

/// <summary>A batch for a host that reports with another agent token: refused, nothing of it written.</summary>
public sealed class HostClaimedException(string message) : Exception(message);
