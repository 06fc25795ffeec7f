namespace Heapdog.Monitoring.Analysis;

/// <summary>
/// Knobs of the verdict. Defaults: samples taken in the first <see cref="WarmUp"/> of a process's life are ignored
/// (start-up allocates caches, code and young-generation space that are not a leak); a series needs
/// <see cref="MinSamples"/> points; a trend counts when Kendall's p is below <see cref="Significance"/> and the
/// fitted change over the window is at least <see cref="MinChangeBytes"/> and <see cref="MinChangeFraction"/> of the
/// level; when both the heap and native memory grow, each must carry <see cref="BothShare"/> of the growth to be
/// called "both".
/// </summary>
public sealed record VerdictOptions
{
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(10);
    public int MinSamples { get; init; } = 6;
    public double Significance { get; init; } = 0.01;
    public double MinTau { get; init; } = 0.3;
    public long MinChangeBytes { get; init; } = 2 * 1024 * 1024;
    public double MinChangeFraction { get; init; } = 0.02;
    public double BothShare { get; init; } = 0.2;
    /// <summary>Points in the rolling minimum that reads the heap at its floor.</summary>
    public int FloorWindow { get; init; } = 3;

    public static VerdictOptions Default { get; } = new();
}
