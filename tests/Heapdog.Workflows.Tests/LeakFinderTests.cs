using Heapdog.Leaks;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Tests;

/// <summary>The leak series over files: the engine's refusal as <see cref="ErrorKind.NotComparable"/>; files read two at a
/// time with path censuses deferred give the report of one at a time with every census made.</summary>
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

    public static TheoryData<string> Mixes => ["one process", "second process from the second", "second process at the last"];

    [Theory]
    [MemberData(nameof(Mixes))]
    public void FromFiles_AnyMixOfSessions_SameReportAsOneAtATimeWithEveryCensus(string mix)
    {
        // grow.js run twice: its snapshots share ids within a run, not across runs (matched by paths). A new run from the
        // second snapshot on needs the first one's census when the second comes; one at the last only, after the first
        // was released without it: the files are read again.
        string[] first = fixtures.Series(3), second = fixtures.Series(2);
        string[] files = mix switch
        {
            "one process" => first,
            "second process from the second" => [first[0], second[0], second[1]],
            _ => [first[0], first[1], second[1]],
        };

        var report = LeakFinder.FromFiles(files, WorkProgress.Quiet, CancellationToken.None);

        var expected = LeakFinder.Find(files.Length, i =>
        {
            var analysis = SnapshotOpener.Open(files[i], WorkProgress.Quiet, CancellationToken.None);
            return new LeakInput(analysis, SnapshotDigest.Create(analysis, files[i]), $"'{files[i]}'");
        }, WorkProgress.Quiet, CancellationToken.None);
        report.Matching.ShouldBe(mix == "one process" ? SnapshotMatching.Ids : SnapshotMatching.Paths);
        Json(report).ShouldBe(Json(expected));
    }

    private static string Json(LeakReport report) => ReportJson.SerializeCompact(LeaksResult.Build(report, 100, TimeSpan.Zero));
}
