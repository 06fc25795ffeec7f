namespace Heapdog.Monitoring.Analysis;

/// <summary>
/// Knobs of the verdict. Defaults: samples taken in the first <see cref="WarmUp"/> of a process's life are ignored
/// (start-up allocates caches, code and young-generation space that are not a leak); a series needs
/// <see cref="MinSamples"/> points; a trend counts when Kendall's p is below <see cref="Significance"/> and the
/// fitted change over the window is at least <see cref="MinChangeBytes"/> and <see cref="MinChangeFraction"/> of the
/// level; when both the heap and native memory grow, each must carry <see cref="BothShare"/> of the growth to be
/// called "both". Nothing is called flat or steady before <see cref="SettleWindow"/>, and the relative threshold is
/// capped at half the change a leak of <see cref="LeakBytesPerHour"/> makes over the window: a leak that fast is called
/// growing within the settle window, whatever the process's size, and never steady.
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
    /// <summary>The shortest window over which a series may be called flat: at <see cref="LeakBytesPerHour"/> it shows
    /// 3.3 MiB, above <see cref="MinChangeBytes"/>, so such a leak has had the time to show as growth.</summary>
    public TimeSpan SettleWindow { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>The leak rate a verdict must never call steady.</summary>
    public long LeakBytesPerHour { get; init; } = 100L * 1024 * 1024;
    /// <summary>Points in the rolling minimum that reads the heap at its floor.</summary>
    public int FloorWindow { get; init; } = 3;

    public static VerdictOptions Default { get; } = new();
}
