using Heapdog.Monitoring.Sampling;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Tests;

public class ProcessTrackTests
{
    [Fact]
    public void Add_PastTheLimit_ThinsOlderSamplesAndKeepsRecentOnesDense()
    {
        var track = new ProcessTrack(new WatchedProcess(1, new ProcessIdentity(1, 1), "node", "node", 0, null));
        for (int i = 0; i < 1000; i++) track.Add(new Sample { TimeMs = i * 1000L }, 240);
        track.History.Count.ShouldBeLessThanOrEqualTo(240);
        track.History[0].TimeMs.ShouldBe(0);
        track.Last!.TimeMs.ShouldBe(999_000);
        track.History[^2].TimeMs.ShouldBe(998_000);
        track.History.Select(s => s.TimeMs).ShouldBeInOrder();
    }
}
