namespace Heapdog.Monitoring.Store;

/// <summary>How long samples are kept: raw for <see cref="Raw"/>, then as per-minute rows until <see cref="PerMinute"/>.</summary>
public sealed record RetentionPolicy(TimeSpan Raw, TimeSpan PerMinute)
{
    public static RetentionPolicy Default { get; } = new(TimeSpan.FromDays(1), TimeSpan.FromDays(30));
}
