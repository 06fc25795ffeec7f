using System.Diagnostics;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Tests;

/// <summary>The hunt's routine: how many snapshots, in order, an interval apart.</summary>
public sealed class HuntSeriesTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(21)]
    public void Validate_OutOfRange_IsBadRequest(int count) =>
        Should.Throw<HeapdogException>(() => HuntSeries.Validate(count)).Kind.ShouldBe(ErrorKind.BadRequest);

    [Fact]
    public async Task CaptureAsync_Three_CapturesInOrderAnIntervalApart()
    {
        var clock = Stopwatch.StartNew();
        var times = new List<TimeSpan>();
        var taken = await HuntSeries.CaptureAsync(3, TimeSpan.FromMilliseconds(300), i =>
        {
            times.Add(clock.Elapsed);
            return Task.FromResult(i);
        }, WorkProgress.Quiet, CancellationToken.None);
        taken.ShouldBe([0, 1, 2]);
        // Never sooner than the interval (a loaded machine may only make the wait longer).
        (times[1] - times[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290));
        (times[2] - times[1]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290));
    }

    [Fact]
    public async Task CaptureAsync_CancelledWhileWaiting_StopsBeforeTheNextCapture()
    {
        using var cts = new CancellationTokenSource();
        int captures = 0;
        await Should.ThrowAsync<OperationCanceledException>(() => HuntSeries.CaptureAsync(3, TimeSpan.FromMinutes(5), _ =>
        {
            captures++;
            cts.CancelAfter(100);
            return Task.FromResult(0);
        }, WorkProgress.Quiet, cts.Token));
        captures.ShouldBe(1);
    }

    /// <summary>A machine so loaded that the wait's interval runs out while progress is reported: the wait must end,
    /// neither throwing for a negative delay nor waiting forever for one of -1 ms.</summary>
    [Fact]
    public async Task CaptureAsync_IntervalRunsOutWhileProgressIsReported_GoesOnToTheNextCapture()
    {
        var taken = await HuntSeries.CaptureAsync(2, TimeSpan.FromMilliseconds(50), i => Task.FromResult(i), new SlowProgress(TimeSpan.FromMilliseconds(120)),
            CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        taken.ShouldBe([0, 1]);
    }

    private sealed class SlowProgress(TimeSpan each) : IWorkProgress
    {
        public void Report(string phase, double fraction) => Thread.Sleep(each);
        public void Notice(string line) { }
        public void Clear() { }
    }
}
