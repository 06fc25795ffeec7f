using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Server.Processes;

/// <summary>A watched process as <c>GET /api/processes</c> shows it: who it is, whether it is alive, its last sample,
/// the limit it meets first, its verdict and its last death for lack of memory (docs/api.md); the host it runs on (the
/// server's own name for the processes it watches itself), and its container and pod where known.</summary>
public sealed record ProcessView(
    long Id,
    int Pid,
    string Name,
    string? Pm2Name,
    string CommandLine,
    long StartTimeMs,
    long FirstSeenMs,
    long LastSeenMs,
    bool Alive,
    long? ExitedAtMs,
    bool OomKillSuspected,
    ProcessSample? Last,
    ProcessLimit? Limit,
    WatchVerdict? Verdict,
    ProcessEvent? LastOom,
    string Host,
    string? Container,
    string? Pod);
