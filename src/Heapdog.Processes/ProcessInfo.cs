namespace Heapdog.Processes;

/// <summary>One reading of a process from <c>/proc</c>: identity, name, command line, memory, CPU and OOM scores.
/// Fields the kernel refused or lacks read -1 (numbers) or empty (text).</summary>
public sealed record ProcessInfo(
    ProcessIdentity Identity,
    string Comm,
    IReadOnlyList<string> CommandLine,
    ProcStat Stat,
    ProcStatus Status,
    int OpenFds,
    int OomScore,
    int OomScoreAdj,
    DateTimeOffset StartTime)
{
    public int Pid => Identity.Pid;

    /// <summary>The command line as one string, arguments separated by spaces.</summary>
    public string CommandLineText => string.Join(' ', CommandLine);
}
