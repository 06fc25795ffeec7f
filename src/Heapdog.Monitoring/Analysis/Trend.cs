namespace Heapdog.Monitoring.Analysis;

/// <summary>A fitted trend: Theil–Sen slope (units per second) and intercept, with Kendall's tau and the two-sided
/// p-value of "no monotone trend"; <see cref="ResidualSpread"/> is the interquartile range of the residuals around
/// the line, the size of the noise.</summary>
public readonly record struct Trend(double SlopePerSecond, double Intercept, double Tau, double PValue, int Count, double ResidualSpread)
{
    public double At(double t) => Intercept + SlopePerSecond * t;
}
