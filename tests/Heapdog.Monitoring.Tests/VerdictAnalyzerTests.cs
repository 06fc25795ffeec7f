using Heapdog.Monitoring.Analysis;

namespace Heapdog.Monitoring.Tests;

public class VerdictAnalyzerTests
{
    private const long Start = 1_000_000_000;
    private const long Mb = 1_000_000;

    /// <summary>Samples every 5 s from 60 s after start; heap and native given per index.</summary>
    private static List<Sample> Series(int n, Func<int, long> v8, Func<int, long> native, int firstSecond = 60) =>
        Enumerable.Range(0, n).Select(i => new Sample
        {
            TimeMs = Start + (firstSecond + i * 5) * 1000L,
            V8Heap = v8(i),
            Native = native(i),
            RssAnon = v8(i) + native(i),
            Rss = v8(i) + native(i) + 40 * Mb,
        }).ToList();

    [Fact]
    public void Analyze_HeapGrowsNativeFlat_IsJsHeap()
    {
        var v = VerdictAnalyzer.Analyze(Series(12, i => 50 * Mb + i * 10 * Mb, _ => 20 * Mb), Start);
        v.Status.ShouldBe(VerdictStatus.Growing);
        v.Growth.ShouldBe(GrowthClass.JsHeap);
        v.Text.ShouldStartWith("growing at 7.20 GB/h in the JS heap");
    }

    [Fact]
    public void Analyze_NativeGrowsHeapFlat_IsOffHeapInPlainWords()
    {
        var v = VerdictAnalyzer.Analyze(Series(12, _ => 50 * Mb, i => 20 * Mb + i * 5 * Mb), Start);
        v.Growth.ShouldBe(GrowthClass.OffHeap);
        v.Text.ShouldContain("off-heap / native");
        v.Text.ShouldContain("JS heap stays flat");
    }

    [Fact]
    public void Analyze_BothGrowComparably_IsBoth()
    {
        var v = VerdictAnalyzer.Analyze(Series(12, i => 50 * Mb + i * 5 * Mb, i => 20 * Mb + i * 4 * Mb), Start);
        v.Growth.ShouldBe(GrowthClass.Both);
    }

    [Fact]
    public void Analyze_NativeGrowsALittleWithAHeapLeak_IsStillJsHeap()
    {
        // V8's own malloc'ed bookkeeping grows with the heap: a few percent is not an off-heap leak.
        var v = VerdictAnalyzer.Analyze(Series(12, i => 50 * Mb + i * 20 * Mb, i => 20 * Mb + i * 1 * Mb), Start);
        v.Growth.ShouldBe(GrowthClass.JsHeap);
    }

    [Fact]
    public void Analyze_SmallWobble_IsSteady()
    {
        var v = VerdictAnalyzer.Analyze(Series(30, i => 50 * Mb + (i % 3) * 100_000, i => 20 * Mb + (i % 2) * 200_000), Start);
        v.Status.ShouldBe(VerdictStatus.Steady);
        v.Growth.ShouldBe(GrowthClass.None);
        v.Forecast.ShouldBeNull();
    }

    [Fact]
    public void Analyze_BigSwingsWithoutTrend_IsTooNoisyToTell()
    {
        var v = VerdictAnalyzer.Analyze(Series(30, _ => 50 * Mb, i => i % 2 == 0 ? 20 * Mb : 120 * Mb), Start);
        v.Status.ShouldBe(VerdictStatus.Noisy);
        v.Text.ShouldStartWith("too noisy to tell");
    }

    [Fact]
    public void Analyze_OnlyWarmUpSamples_IsCollecting()
    {
        var v = VerdictAnalyzer.Analyze(Series(10, i => 10 * Mb + i * 10 * Mb, _ => 20 * Mb, firstSecond: 0), Start,
            new VerdictOptions { WarmUp = TimeSpan.FromSeconds(40) });
        v.Status.ShouldBe(VerdictStatus.Collecting);
        v.Text.ShouldStartWith("collecting: 2 samples");
    }

    [Fact]
    public void Analyze_FlatForLessThanTheSettleWindow_IsCollecting_WithTheTimeLeft()
    {
        // 12 samples 5 s apart: 55 s of the 2 minutes a steady verdict needs.
        var v = VerdictAnalyzer.Analyze(Series(12, i => 50 * Mb + (i % 3) * 100_000, i => 20 * Mb + (i % 2) * 200_000), Start);
        v.Status.ShouldBe(VerdictStatus.Collecting);
        v.CollectingSecondsLeft.ShouldNotBeNull().ShouldBe(65, 0.001);
        v.Text.ShouldContain("(65 s left)");
        v.Series.ShouldAllBe(s => s.State == SeriesState.Collecting);
    }

    /// <summary>A leak of 100 MB/h in a 1 GB process, sampled every 5 s, the committed heap stepping by V8's 256 KiB
    /// pages and native memory wobbling: at no point in its first three minutes is it called steady or noisy, and it is
    /// called growing within two.</summary>
    [Fact]
    public void Analyze_LeakAt100MBPerHourInABigProcess_NeverSteady_AndGrowingWithinTwoMinutes()
    {
        const double perSecond = 100.0 * 1024 * 1024 / 3600;
        var random = new Random(7);
        var all = Enumerable.Range(0, 37).Select(i =>
        {
            long leak = (long)(perSecond * i * 5);
            long v8 = 900 * Mb + leak + (i % 4) * 262_144; // committed heap steps by pages with GCs
            long native = 100 * Mb + random.Next(0, 400_000);
            return new Sample { TimeMs = Start + (60 + i * 5) * 1000L, V8Heap = v8, Native = native, RssAnon = v8 + native, Rss = v8 + native + 40 * Mb };
        }).ToList();

        VerdictStatus? atTwoMinutes = null;
        for (int n = 1; n <= all.Count; n++)
        {
            var v = VerdictAnalyzer.Analyze(all.Take(n).ToList(), Start);
            v.Status.ShouldBeOneOf([VerdictStatus.Collecting, VerdictStatus.Growing], $"after {n} samples: {v.Text}");
            if (n == 25) atTwoMinutes = v.Status;
        }
        atTwoMinutes.ShouldBe(VerdictStatus.Growing);
    }

    [Fact]
    public void Analyze_WarmUpGrowthThenFlat_IsSteady()
    {
        // Start-up fills caches for 30 s, then the process is flat: the warm-up is not a leak.
        var v = VerdictAnalyzer.Analyze(Series(40, i => i < 6 ? 10 * Mb + i * 20 * Mb : 110 * Mb, _ => 20 * Mb, firstSecond: 0), Start,
            new VerdictOptions { WarmUp = TimeSpan.FromSeconds(30) });
        v.Status.ShouldBe(VerdictStatus.Steady);
    }

    [Fact]
    public void Analyze_GrowingUnderCgroupLimit_ForecastsTheLimit()
    {
        var samples = Series(12, _ => 50 * Mb, i => 20 * Mb + i * 5 * Mb);
        foreach (var s in samples) { s.CgroupLimit = 1000 * Mb; s.CgroupUsage = s.Rss; }
        var v = VerdictAnalyzer.Analyze(samples, Start, hostAvailableBytes: 100_000 * Mb);
        v.Forecast!.Limit.ShouldBe("cgroup");
        // 1 MB/s of RSS growth and (1000 - 165) MB of headroom.
        v.Forecast.Seconds.ShouldBe(835, 1);
        v.Text.ShouldContain("cgroup limit (1.00 GB) reached in about 14 min");
    }

    [Fact]
    public void Analyze_RuntimeFigures_UsesHeapUsedFloorAndHeapLimit()
    {
        var samples = Series(12, _ => -1, _ => 20 * Mb);
        for (int i = 0; i < samples.Count; i++)
        {
            samples[i].V8Heap = -1;
            // Sawtooth whose floor climbs 2 MB per sample.
            samples[i].HeapUsed = 40 * Mb + i * 2 * Mb + (i % 2 == 0 ? 0 : 30 * Mb);
            samples[i].HeapLimit = 500 * Mb;
            samples[i].External = 1 * Mb;
        }
        var v = VerdictAnalyzer.Analyze(samples, Start);
        v.UsedRuntimeFigures.ShouldBeTrue();
        v.Growth.ShouldBe(GrowthClass.JsHeap);
        v.Forecast!.Limit.ShouldBe("heap");
    }
}
