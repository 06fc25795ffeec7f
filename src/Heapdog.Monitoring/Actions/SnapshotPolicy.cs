namespace Heapdog.Monitoring.Actions;

/// <summary>Limits on automatic snapshots, per process: at least <see cref="Cooldown"/> between two, at most
/// <see cref="MaxCount"/>, and never more than <see cref="DiskBudgetBytes"/> in <see cref="Directory"/> in total
/// (a snapshot is skipped, not deleted, when the budget is spent).</summary>
public sealed record SnapshotPolicy(string Directory, IReadOnlyList<SnapshotRule> Rules)
{
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(10);
    public int MaxCount { get; init; } = 5;
    public long DiskBudgetBytes { get; init; } = 2L * 1024 * 1024 * 1024;
}
