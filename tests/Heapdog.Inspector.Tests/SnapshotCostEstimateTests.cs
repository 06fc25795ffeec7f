namespace Heapdog.Inspector.Tests;

public class SnapshotCostEstimateTests
{
    private const long MB = 1_000_000;

    private static SnapshotCostEstimate With(long? hostAvailable, long? cgroupLimit, long? cgroupUsage, long heapLimit, long heapUsed = 50 * MB) =>
        new(heapUsed, 0, heapUsed / 40, heapUsed / 40 * 900, heapUsed * 2, hostAvailable, cgroupLimit, cgroupUsage, heapLimit);

    [Theory]
    // the container's limit - usage is the tightest (a pod of 256 MB on a big host)
    [InlineData(8000, 256L, 200L, 4000, 56, HeadroomBound.Cgroup)]
    // the host has less left than the container could take
    [InlineData(100, 4000L, 200L, 4000, 100, HeadroomBound.Host)]
    // V8's heap limit is closer than either (nodejs/node#64646: a heap limit above the container's is the other case)
    [InlineData(8000, 4000L, 200L, 120, 70, HeadroomBound.HeapLimit)]
    // no cgroup limit: the host and the heap limit only
    [InlineData(3000, null, null, 4000, 3000, HeadroomBound.Host)]
    public void Tightest_ThreeBounds_PicksTheSmallest(long host, long? limit, long? usage, long heapLimit, long expectedMb, HeadroomBound expected)
    {
        var cost = With(host * MB, limit * MB, usage * MB, heapLimit * MB);
        cost.Tightest.ShouldNotBeNull().Bound.ShouldBe(expected);
        cost.HeadroomBytes.ShouldBe(expectedMb * MB);
    }

    [Fact]
    public void Tightest_UsageAboveLimit_IsZeroNotNegative()
    {
        var cost = With(8000 * MB, 256 * MB, 300 * MB, 4000 * MB);
        cost.HeadroomBytes.ShouldBe(0);
        cost.Fits.ShouldBeFalse();
    }

    [Fact]
    public void Tightest_RemoteTarget_OnlyTheHeapLimitIsKnown()
    {
        var cost = With(null, null, null, 4000 * MB);
        cost.Tightest.ShouldNotBeNull().Bound.ShouldBe(HeadroomBound.HeapLimit);
        cost.HeadroomBytes.ShouldBe(3950 * MB);
    }
}
