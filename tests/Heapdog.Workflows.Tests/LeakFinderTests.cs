using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Tests;

/// <summary>The leak series over files: the engine's refusal as <see cref="ErrorKind.NotComparable"/>.</summary>
[Collection(SnapshotCollection.Name)]
public sealed class LeakFinderTests(SnapshotFixtures fixtures)
{
    [Fact]
    public void FromFiles_SnapshotsOfTwoProcesses_AreNotComparableNamingBoth()
    {
        string first = fixtures.Get("small.js"), second = fixtures.Get("features.js");
        var e = Should.Throw<HeapdogException>(() => LeakFinder.FromFiles([first, second], WorkProgress.Quiet, CancellationToken.None));
        e.Kind.ShouldBe(ErrorKind.NotComparable);
        e.Message.ShouldStartWith($"snapshots '{first}' and '{second}' cannot be compared: ");
    }

    [Fact]
    public void FromFiles_GrowingSeries_ReportsEverySnapshotOldestFirst()
    {
        var series = fixtures.Series(3);
        var report = LeakFinder.FromFiles(series, WorkProgress.Quiet, CancellationToken.None);
        report.Snapshots.Select(s => s.Source).ShouldBe(series);
        report.Suspects.ShouldNotBeEmpty();
    }
}
