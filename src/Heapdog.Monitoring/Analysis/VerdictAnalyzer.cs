namespace Heapdog.Monitoring.Analysis;

/// <summary>
/// Turns a process's samples into a <see cref="Verdict"/>. The JS heap series is V8's committed heap from the
/// address-space split (or, with runtime figures, <c>heapUsed</c>), read at its floor; the native series is anonymous
/// resident memory outside the heap (plus <c>external</c> with runtime figures). See docs/watch.md.
/// </summary>
public static class VerdictAnalyzer
{
    public static Verdict Analyze(IReadOnlyList<Sample> samples, long processStartMs, VerdictOptions? options = null, long hostAvailableBytes = -1)
    {
        var o = options ?? VerdictOptions.Default;
        long from = processStartMs + (long)o.WarmUp.TotalMilliseconds;
        bool runtime = Any(samples, from, s => s.HeapUsed);

        var js = runtime
            ? Fit("heapUsed", samples, from, s => s.HeapUsed, o, floor: true)
            : Fit("v8Heap", samples, from, s => s.V8Heap, o, floor: true);
        var native = Fit("native", samples, from, s => s.Native, o, floor: false);
        var rss = Fit("rss", samples, from, s => s.Rss, o, floor: false);
        var series = new List<SeriesVerdict> { js, native, rss };
        SeriesVerdict? external = null;
        if (runtime)
        {
            external = Fit("external", samples, from, s => s.External, o, floor: false);
            series.Add(external);
        }

        bool jsGrows = js.State == SeriesState.Growing;
        bool nativeGrows = native.State == SeriesState.Growing || external?.State == SeriesState.Growing;
        double nativeChange = Math.Max(native.State == SeriesState.Growing ? native.ChangeBytes : 0,
            external?.State == SeriesState.Growing ? external.ChangeBytes : 0);
        GrowthClass growth;
        if (jsGrows && nativeGrows)
        {
            double total = js.ChangeBytes + nativeChange;
            growth = js.ChangeBytes < o.BothShare * total ? GrowthClass.OffHeap
                : nativeChange < o.BothShare * total ? GrowthClass.JsHeap
                : GrowthClass.Both;
        }
        else if (jsGrows) growth = GrowthClass.JsHeap;
        else if (nativeGrows) growth = GrowthClass.OffHeap;
        else if (rss.State == SeriesState.Growing && js.State == SeriesState.InsufficientData) growth = GrowthClass.Unknown;
        else growth = GrowthClass.None;

        VerdictStatus status;
        if (growth != GrowthClass.None) status = VerdictStatus.Growing;
        else if (rss.State is SeriesState.InsufficientData or SeriesState.Collecting || series.Any(s => s.State == SeriesState.Collecting))
            status = VerdictStatus.Collecting;
        else if (series.Any(s => s.State == SeriesState.Noisy)) status = VerdictStatus.Noisy;
        else status = VerdictStatus.Steady;

        double? secondsLeft = status == VerdictStatus.Collecting ? SecondsLeft(samples, from, o) : null;
        var forecast = status == VerdictStatus.Growing ? Forecast(samples, js, rss, growth, hostAvailableBytes) : null;
        return new Verdict(status, growth, series, forecast, Describe(status, growth, js, native, external, rss, forecast, samples, from, o, secondsLeft),
            runtime, secondsLeft);
    }

    /// <summary>How long until a collecting verdict may be called steady: the rest of the settle window, or the time the
    /// missing samples take at the pace seen so far, whichever is longer; null before two samples show the pace.</summary>
    private static double? SecondsLeft(IReadOnlyList<Sample> samples, long from, VerdictOptions o)
    {
        long first = -1, last = -1;
        int n = 0;
        for (int i = 0; i < samples.Count; i++)
        {
            if (samples[i].TimeMs < from || samples[i].Rss < 0) continue;
            if (first < 0) first = samples[i].TimeMs;
            last = samples[i].TimeMs;
            n++;
        }
        if (n < 2) return null;
        double window = (last - first) / 1000.0, pace = window / (n - 1);
        return Math.Max(0, Math.Max(o.SettleWindow.TotalSeconds - window, (o.MinSamples - n) * pace));
    }

    public static string Name(GrowthClass g) => g switch
    {
        GrowthClass.JsHeap => "js-heap",
        GrowthClass.OffHeap => "off-heap",
        GrowthClass.Both => "both",
        GrowthClass.Unknown => "unknown",
        _ => "none",
    };

    public static string Name(VerdictStatus s) => s switch
    {
        VerdictStatus.Growing => "growing",
        VerdictStatus.Steady => "steady",
        VerdictStatus.Noisy => "noisy",
        _ => "collecting",
    };

    public static string Name(SeriesState s) => s switch
    {
        SeriesState.Growing => "growing",
        SeriesState.Shrinking => "shrinking",
        SeriesState.Flat => "flat",
        SeriesState.Noisy => "noisy",
        SeriesState.Collecting => "collecting",
        _ => "insufficient-data",
    };

    private static bool Any(IReadOnlyList<Sample> samples, long from, Func<Sample, long> get)
    {
        for (int i = 0; i < samples.Count; i++)
            if (samples[i].TimeMs >= from && get(samples[i]) >= 0) return true;
        return false;
    }

    private static SeriesVerdict Fit(string name, IReadOnlyList<Sample> samples, long from, Func<Sample, long> get, VerdictOptions o, bool floor)
    {
        var t = new List<double>(samples.Count);
        var y = new List<double>(samples.Count);
        long t0 = -1;
        for (int i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            long v = get(s);
            if (s.TimeMs < from || v < 0) continue;
            if (t0 < 0) t0 = s.TimeMs;
            t.Add((s.TimeMs - t0) / 1000.0);
            y.Add(v);
        }
        if (t.Count < o.MinSamples) return new SeriesVerdict(name, SeriesState.InsufficientData, null, 0, y.Count > 0 ? y[^1] : 0, 0);
        var ys = floor ? TrendEstimator.Floor(y.ToArray(), o.FloorWindow) : y.ToArray();
        var ts = t.ToArray();
        var trend = TrendEstimator.Fit(ts, ys);
        double window = ts[^1] - ts[0];
        double change = trend.SlopePerSecond * window;
        double level = trend.At(ts[^1]);
        // The relative threshold keeps slow growth of a big process from being called a leak, but never lifts the bar
        // above half of what a leak of LeakBytesPerHour shows over the window: a slope estimated short by half still
        // clears it, so such a leak is never called flat.
        double threshold = Math.Max(o.MinChangeBytes, Math.Min(o.MinChangeFraction * Math.Abs(level), o.LeakBytesPerHour * window / 3600 / 2));
        bool significant = trend.PValue < o.Significance && Math.Abs(trend.Tau) >= o.MinTau;
        SeriesState state = significant && change >= threshold ? SeriesState.Growing
            : significant && change <= -threshold ? SeriesState.Shrinking
            : window < o.SettleWindow.TotalSeconds ? SeriesState.Collecting
            // Flat is said only of a small fitted change: a large one without a clear trend is noise, not flatness.
            : Math.Abs(change) < threshold && trend.ResidualSpread <= 2 * threshold ? SeriesState.Flat
            : SeriesState.Noisy;
        return new SeriesVerdict(name, state, trend, change, level, window);
    }

    private static LimitForecast? Forecast(IReadOnlyList<Sample> samples, SeriesVerdict js, SeriesVerdict rss, GrowthClass growth, long hostAvailable)
    {
        var last = samples[^1];
        var candidates = new List<LimitForecast>();
        if ((growth is GrowthClass.JsHeap or GrowthClass.Both) && last.HeapLimit > 0 && last.HeapUsed >= 0 && js.Trend is { SlopePerSecond: > 0 } jt)
            candidates.Add(new LimitForecast("heap", last.HeapLimit, last.HeapUsed, Math.Max(0, (last.HeapLimit - js.Level) / jt.SlopePerSecond)));
        if (rss.Trend is { SlopePerSecond: > 0 } rt)
        {
            if (last.CgroupLimit > 0 && last.CgroupUsage >= 0)
                candidates.Add(new LimitForecast("cgroup", last.CgroupLimit, last.CgroupUsage, Math.Max(0, (last.CgroupLimit - last.CgroupUsage) / rt.SlopePerSecond)));
            if (hostAvailable > 0)
                candidates.Add(new LimitForecast("host", hostAvailable + last.Rss, last.Rss, hostAvailable / rt.SlopePerSecond));
        }
        LimitForecast? best = null;
        foreach (var c in candidates)
            if (best is null || c.Seconds < best.Seconds) best = c;
        return best;
    }

    private static string Describe(VerdictStatus status, GrowthClass growth, SeriesVerdict js, SeriesVerdict native, SeriesVerdict? external,
        SeriesVerdict rss, LimitForecast? forecast, IReadOnlyList<Sample> samples, long from, VerdictOptions o, double? secondsLeft)
    {
        string window = Words.Duration(Math.Max(rss.WindowSeconds, js.WindowSeconds));
        string nativeRate = Words.Rate(Math.Max(native.State == SeriesState.Growing ? native.SlopeBytesPerHour : 0,
            external?.State == SeriesState.Growing ? external.SlopeBytesPerHour : 0));
        string text = status switch
        {
            VerdictStatus.Growing => growth switch
            {
                GrowthClass.JsHeap => $"growing at {Words.Rate(js.SlopeBytesPerHour)} in the JS heap",
                GrowthClass.OffHeap => $"growing at {nativeRate} off-heap / native: resident memory outside the JS heap grows while the JS heap stays flat",
                GrowthClass.Both => $"growing at {Words.Rate(js.SlopeBytesPerHour)} in the JS heap and {nativeRate} off-heap / native",
                _ => $"resident memory growing at {Words.Rate(rss.SlopeBytesPerHour)} (the heap/native split could not be read)",
            },
            VerdictStatus.Steady => $"steady over {window}",
            VerdictStatus.Noisy => $"too noisy to tell over {window}: memory swings without a clear trend",
            _ => $"collecting: {CountAfter(samples, from)} samples over {window} after the {Words.Duration(o.WarmUp.TotalSeconds)} warm-up; "
                 + $"at least {o.MinSamples} over {Words.Duration(o.SettleWindow.TotalSeconds)} before it can be called steady"
                 + (secondsLeft is { } left ? $" ({Words.Duration(left)} left)" : ""),
        };
        if (forecast is not null)
        {
            string limit = forecast.Limit switch { "heap" => "heap limit", "cgroup" => "cgroup limit", _ => "host memory" };
            text += $"; {limit} ({SizeText.Of(forecast.LimitBytes)}) reached in about {Words.Duration(forecast.Seconds)}";
        }
        return text;
    }

    private static int CountAfter(IReadOnlyList<Sample> samples, long from)
    {
        int n = 0;
        for (int i = 0; i < samples.Count; i++) if (samples[i].TimeMs >= from) n++;
        return n;
    }
}
