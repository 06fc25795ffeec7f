namespace Heapdog.Testing;

/// <summary>How a <c>heapdog</c> run ended: its exit code and everything it printed.</summary>
public sealed record HeapdogRun(int ExitCode, string Stdout, string Stderr);
