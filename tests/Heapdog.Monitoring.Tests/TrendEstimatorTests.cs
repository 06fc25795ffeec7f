using Heapdog.Monitoring.Analysis;

namespace Heapdog.Monitoring.Tests;

public class TrendEstimatorTests
{
    [Fact]
    public void Fit_LineWithOutliers_IgnoresOutliers()
    {
        var t = Enumerable.Range(0, 20).Select(i => (double)i).ToArray();
        var y = t.Select(x => 100 + 3 * x).ToArray();
        y[5] = 10_000;
        y[12] = -5_000;
        var trend = TrendEstimator.Fit(t, y);
        trend.SlopePerSecond.ShouldBe(3, 1e-9);
        trend.Intercept.ShouldBe(100, 1e-9);
        trend.Tau.ShouldBeGreaterThan(0.7);
        trend.PValue.ShouldBeLessThan(1e-4);
    }

    [Fact]
    public void Fit_Constant_HasZeroSlopeAndNoSignificance()
    {
        var t = Enumerable.Range(0, 10).Select(i => (double)i).ToArray();
        var trend = TrendEstimator.Fit(t, Enumerable.Repeat(5.0, 10).ToArray());
        trend.SlopePerSecond.ShouldBe(0);
        trend.Tau.ShouldBe(0);
        trend.PValue.ShouldBe(1);
        trend.ResidualSpread.ShouldBe(0);
    }

    [Fact]
    public void Fit_AlternatingNoise_IsNotSignificant()
    {
        var t = Enumerable.Range(0, 30).Select(i => (double)i).ToArray();
        var y = t.Select(x => x % 2 == 0 ? 100.0 : 200.0).ToArray();
        var trend = TrendEstimator.Fit(t, y);
        trend.PValue.ShouldBeGreaterThan(0.5);
        trend.ResidualSpread.ShouldBeGreaterThan(50);
    }

    [Fact]
    public void Fit_LongSeries_IsReducedAndStillExact()
    {
        var t = Enumerable.Range(0, 5000).Select(i => (double)i).ToArray();
        var trend = TrendEstimator.Fit(t, t.Select(x => 2 * x + 7).ToArray());
        trend.Count.ShouldBe(TrendEstimator.MaxPoints);
        trend.SlopePerSecond.ShouldBe(2, 1e-6);
    }

    [Fact]
    public void Floor_Sawtooth_ReadsTheMinimumOfTheWindow()
    {
        double[] y = [10, 50, 12, 60, 14, 70];
        TrendEstimator.Floor(y, 3).ShouldBe([10, 10, 10, 12, 12, 14]);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1.959963985, 0.05)]
    [InlineData(2.575829304, 0.01)]
    public void Erfc_TwoSidedNormalTail_MatchesTables(double z, double p) =>
        TrendEstimator.Erfc(z / Math.Sqrt(2)).ShouldBe(p, 1e-6);

    [Fact]
    public void Fit_TooFewPoints_Throws() => Should.Throw<ArgumentException>(() => TrendEstimator.Fit([1, 2], [1, 2]));

    [Fact]
    public void Select_RandomArrays_EqualsSortedMedian()
    {
        var random = new Random(7);
        for (int n = 1; n < 60; n++)
        {
            var values = Enumerable.Range(0, n).Select(_ => (double)random.Next(20)).ToArray();
            var sorted = values.OrderBy(v => v).ToArray();
            double expected = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
            TrendEstimator.Select(values).ShouldBe(expected, $"n={n}");
        }
    }
}
