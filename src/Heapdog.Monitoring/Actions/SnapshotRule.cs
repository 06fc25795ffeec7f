namespace Heapdog.Monitoring.Actions;

/// <summary>One snapshot rule. <see cref="Share"/> (0..1) is used by the share triggers, <see cref="Period"/> by
/// <see cref="SnapshotTrigger.Periodic"/>.</summary>
public sealed record SnapshotRule(SnapshotTrigger Trigger, double Share = 0, TimeSpan Period = default);
