namespace Heapdog.Leaks;

/// <summary>How sure and how bad (rule in <see cref="SeverityRule"/> and docs/leaks.md).</summary>
public enum Severity { Low, Medium, High }
