namespace Heapdog.Leaks.Tests;

/// <summary>The documented severity rule (docs/leaks.md, numbers in <see cref="LeakThresholds"/>) as a table.</summary>
public sealed class SeverityRuleTests
{
    private const long Heap = 1_000_000_000; // 1 GB: heap shares stay far below 1 % unless a row says otherwise

    [Theory]
    // kind, counts per snapshot ("" = bytes only), bytes per snapshot, heap, expected — and why
    [InlineData(SuspectKind.Object, "", "5,5,5", Heap, Severity.Low)] // nothing grew
    [InlineData(SuspectKind.Collection, "0,1000,2000", "0,1,2", Heap, Severity.High)] // +1,000 entries per interval
    [InlineData(SuspectKind.Collection, "0,999,1998", "0,1,2", Heap, Severity.Medium)] // just below 1,000
    [InlineData(SuspectKind.Collection, "0,100,200", "0,1,2", Heap, Severity.Medium)] // +100 entries per interval
    [InlineData(SuspectKind.Collection, "0,99,198", "0,1,2", Heap, Severity.Low)] // just below 100
    [InlineData(SuspectKind.Collection, "0,2000", "0,1", Heap, Severity.Medium)] // one interval is never high
    [InlineData(SuspectKind.Collection, "0,2000,2000", "0,1,2", Heap, Severity.Low)] // did not grow in every interval
    [InlineData(SuspectKind.Handles, "0,100,200", "0,1,2", Heap, Severity.High)] // +100 handles per interval
    [InlineData(SuspectKind.Handles, "0,10,20", "0,1,2", Heap, Severity.Medium)] // +10 handles per interval
    [InlineData(SuspectKind.Handles, "0,9,18", "0,1,2", Heap, Severity.Low)] // just below 10
    [InlineData(SuspectKind.Object, "", "0,1000000,2000000", Heap, Severity.High)] // +1 MB per interval
    [InlineData(SuspectKind.Object, "", "0,999999,1999998", Heap, Severity.Medium)] // just below 1 MB
    [InlineData(SuspectKind.Object, "", "0,100000,200000", Heap, Severity.Medium)] // +100 kB per interval
    [InlineData(SuspectKind.Object, "", "0,99999,199998", Heap, Severity.Low)] // just below 100 kB
    [InlineData(SuspectKind.Object, "", "0,5000,10000", 100_000, Severity.High)] // 5 % of the heap per interval
    [InlineData(SuspectKind.Object, "", "0,1000,2000", 100_000, Severity.Medium)] // 1 % of the heap per interval
    [InlineData(SuspectKind.Object, "", "0,999,1998", 100_000, Severity.Low)] // just below 1 %
    [InlineData(SuspectKind.Object, "", "0,1000,2000", 0, Severity.Low)] // no heap size: no share
    [InlineData(SuspectKind.Backlog, "0,5000,10000", "0,1,2", Heap, Severity.Medium)] // a backlog is at most medium
    [InlineData(SuspectKind.Class, "0,2000,4000", "4000,3000,2000", Heap, Severity.High)] // counts decide; bytes may fall
    public void Rate_Table(SuspectKind kind, string counts, string bytes, long heap, Severity expected)
    {
        SeverityRule.Rate(kind, counts.Length == 0 ? null : Series(counts), Series(bytes), heap).ShouldBe(expected);
    }

    [Theory]
    [InlineData("1,2,3", true)]
    [InlineData("1,2,2", false)]
    [InlineData("3,2,4", false)]
    [InlineData("1,2", true)]
    [InlineData("1", false)] // one snapshot is no interval
    public void GrewEveryInterval_Table(string series, bool expected) => SeverityRule.GrewEveryInterval(Series(series)).ShouldBe(expected);

    [Theory]
    [InlineData("439000,440000,535000", false)] // a request's temporaries caught by the last snapshot
    [InlineData("100,200,300", true)]
    [InlineData("100,130,300", true)] // the smaller interval is 30 % of the average (100)
    [InlineData("100,120,300", false)] // 20 %
    [InlineData("100,300,200", false)] // fell
    [InlineData("100,200", true)] // one interval is its own average
    public void GrewSteadily_Table(string series, bool expected) => SeverityRule.GrewSteadily(Series(series)).ShouldBe(expected);

    private static long[] Series(string text) => text.Split(',').Select(long.Parse).ToArray();
}
