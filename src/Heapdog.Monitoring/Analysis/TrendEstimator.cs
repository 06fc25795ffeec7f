namespace Heapdog.Monitoring.Analysis;

/// <summary>
/// Robust trend fitting. Theil–Sen (the median of all pairwise slopes) ignores up to ~29 % of wild points, unlike a
/// least-squares line; Kendall's tau says how consistently the series moves one way. Long series are first reduced to
/// at most <see cref="MaxPoints"/> bucket medians, keeping the pairwise work bounded (O(n²)).
/// </summary>
public static class TrendEstimator
{
    public const int MaxPoints = 120;

    /// <summary>Fits <paramref name="y"/> against <paramref name="t"/> (seconds, increasing). Needs at least 3 points.</summary>
    public static Trend Fit(ReadOnlySpan<double> t, ReadOnlySpan<double> y)
    {
        if (t.Length != y.Length) throw new ArgumentException("t and y differ in length");
        if (t.Length < 3) throw new ArgumentException("a trend needs at least 3 points");
        if (t.Length > MaxPoints)
        {
            var (bt, by) = Reduce(t, y, MaxPoints);
            return Fit(bt, by);
        }
        int n = t.Length;
        var slopes = new double[n * (n - 1) / 2];
        int k = 0;
        long s = 0; // Kendall's S: concordant minus discordant pairs
        for (int i = 0; i < n - 1; i++)
        {
            for (int j = i + 1; j < n; j++)
            {
                double dt = t[j] - t[i];
                double dy = y[j] - y[i];
                if (dt > 0) slopes[k++] = dy / dt;
                s += Math.Sign(dy) * Math.Sign(dt);
            }
        }
        double slope = k == 0 ? 0 : Select(slopes.AsSpan(0, k));
        var intercepts = new double[n];
        for (int i = 0; i < n; i++) intercepts[i] = y[i] - slope * t[i];
        double intercept = Median(intercepts);
        var residuals = new double[n];
        for (int i = 0; i < n; i++) residuals[i] = y[i] - (intercept + slope * t[i]);
        double spread = Quantile(residuals, 0.75) - Quantile(residuals, 0.25);

        double pairs = n * (n - 1) / 2.0;
        double tiesY = TieTerm(y);
        double variance = (n * (n - 1.0) * (2 * n + 5) - tiesY) / 18.0;
        double tau = s / pairs;
        double p = variance <= 0 ? 1 : Erfc(Math.Max(0, Math.Abs(s) - 1) / Math.Sqrt(variance) / Math.Sqrt(2));
        return new Trend(slope, intercept, tau, Math.Min(1, p), n, spread);
    }

    /// <summary>Rolling minimum over the last <paramref name="window"/> points: a sawtooth series (heap between
    /// collections) read at its floor, which is what survives garbage collection.</summary>
    public static double[] Floor(ReadOnlySpan<double> y, int window)
    {
        var result = new double[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            double min = y[i];
            for (int j = Math.Max(0, i - window + 1); j < i; j++) min = Math.Min(min, y[j]);
            result[i] = min;
        }
        return result;
    }

    public static double Median(Span<double> values) => Quantile(values, 0.5);

    /// <summary>The median by quickselect (reorders <paramref name="values"/>): the pairwise slopes are the one large
    /// array here, and a full sort of them was most of a verdict's cost.</summary>
    internal static double Select(Span<double> values)
    {
        int n = values.Length;
        double upper = Nth(values, n / 2);
        if (n % 2 == 1) return upper;
        // The lower middle is the largest value left of the upper one after partitioning.
        double lower = double.NegativeInfinity;
        for (int i = 0; i < n / 2; i++) lower = Math.Max(lower, values[i]);
        return (lower + upper) / 2;
    }

    private static double Nth(Span<double> a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            double pivot = a[(lo + hi) >>> 1];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }

    /// <summary>Linear-interpolated quantile; sorts <paramref name="values"/> in place.</summary>
    public static double Quantile(Span<double> values, double q)
    {
        if (values.Length == 0) return double.NaN;
        values.Sort();
        double pos = q * (values.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, values.Length - 1);
        return values[lo] + (values[hi] - values[lo]) * (pos - lo);
    }

    private static (double[] T, double[] Y) Reduce(ReadOnlySpan<double> t, ReadOnlySpan<double> y, int buckets)
    {
        var bt = new double[buckets];
        var by = new double[buckets];
        for (int b = 0; b < buckets; b++)
        {
            int from = (int)((long)b * t.Length / buckets);
            int to = (int)((long)(b + 1) * t.Length / buckets);
            bt[b] = Median(t[from..to].ToArray());
            by[b] = Median(y[from..to].ToArray());
        }
        return (bt, by);
    }

    /// <summary>Σ t(t−1)(2t+5) over groups of equal values: the tie correction of Var(S).</summary>
    private static double TieTerm(ReadOnlySpan<double> y)
    {
        var sorted = y.ToArray();
        Array.Sort(sorted);
        double sum = 0;
        int run = 1;
        for (int i = 1; i <= sorted.Length; i++)
        {
            if (i < sorted.Length && sorted[i] == sorted[i - 1]) { run++; continue; }
            if (run > 1) sum += run * (run - 1.0) * (2 * run + 5);
            run = 1;
        }
        return sum;
    }

    /// <summary>Complementary error function (Abramowitz & Stegun 7.1.26, error below 1.5e-7).</summary>
    internal static double Erfc(double x)
    {
        double z = Math.Abs(x);
        double t = 1 / (1 + 0.3275911 * z);
        double poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
        double r = poly * Math.Exp(-z * z);
        return x >= 0 ? r : 2 - r;
    }
}
