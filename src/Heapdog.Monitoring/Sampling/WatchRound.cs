namespace Heapdog.Monitoring.Sampling;

/// <summary>One sampling round, reported after its samples are committed to the store.</summary>
public sealed record WatchRound(long TimeMs, int Number, IReadOnlyList<ProcessTrack> Sampled, IReadOnlyList<ProcessTrack> ExitedNow, bool VerdictsUpdated);
