using System.Text;
using System.Text.Json;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Snapshot.Tests;

/// <summary>
/// <c>SnapshotDiff</c> against DevTools' Comparison view (tests/reference/devtools-diff.mjs) on a series of snapshots
/// one Node process wrote, and <c>Comparability</c> on pairs that must be refused.
/// </summary>
[Collection(SnapshotCollection.Name)]
public sealed class DiffParityTests(SnapshotFixtures fixtures)
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    public void Compare_SeriesOfOneProcess_MatchesDevToolsComparisonForEveryClass(int baseIndex, int targetIndex)
    {
        var series = fixtures.Series(3);
        var reference = DevToolsDiff.Load(series[baseIndex], series[targetIndex]);
        var @base = Digest(series[baseIndex]);
        var target = Digest(series[targetIndex]);

        var ours = SnapshotDiff.Compare(@base, target).ToDictionary(r => r.Key);
        var problems = new List<string>();
        foreach (var row in MergeDetached(reference.Classes))
        {
            if (!ours.Remove(row.ClassKey, out var r)) { problems.Add($"class {row.ClassKey} missing ({row.NewCount} new, {row.DeletedCount} deleted)"); continue; }
            if (r.Name != row.ClassName) problems.Add($"{row.ClassKey}: name '{r.Name}' vs '{row.ClassName}'");
            if (r.NewCount != row.NewCount) problems.Add($"{row.ClassKey}: new {r.NewCount} vs {row.NewCount}");
            if (r.DeletedCount != row.DeletedCount) problems.Add($"{row.ClassKey}: deleted {r.DeletedCount} vs {row.DeletedCount}");
            if (r.AllocSize != row.AllocSize) problems.Add($"{row.ClassKey}: alloc {r.AllocSize} vs {row.AllocSize}");
            if (r.FreedSize != row.FreedSize) problems.Add($"{row.ClassKey}: freed {r.FreedSize} vs {row.FreedSize}");
        }
        foreach (var extra in ours.Keys) problems.Add($"class {extra} not in devtools");
        if (problems.Count > 0)
        {
            var message = new StringBuilder($"{problems.Count} differences from DevTools:\n");
            foreach (var p in problems.Take(40)) message.AppendLine(p);
            Assert.Fail(message.ToString());
        }
        reference.Classes.ShouldContain(c => c.ClassName == "Leaky" && c.NewCount == 500 * (targetIndex - baseIndex));
    }

    [Fact]
    public void Compare_SeriesOfOneProcess_RetainedDeltaIsTheChangeOfTheSummaryRetainedSize()
    {
        var series = fixtures.Series(3);
        var @base = Digest(series[0]);
        var target = Digest(series[2]);
        var leaky = SnapshotDiff.Compare(@base, target).Single(r => r.Name == "Leaky");
        long before = @base.Classes.Single(c => c.Key == leaky.Key).RetainedSize;
        long after = target.Classes.Single(c => c.Key == leaky.Key).RetainedSize;
        leaky.RetainedSizeDelta.ShouldBe(after - before);
        leaky.RetainedSizeDelta.ShouldBeGreaterThan(0);
    }

    [Fact]
    public void Check_SameProcessInTimeOrder_IsComparable()
    {
        var series = fixtures.Series(3);
        var check = Comparability.Check(Digest(series[0]), Digest(series[2]));
        check.Comparable.ShouldBeTrue(check.Reason);
        check.SharedIds.ShouldBeGreaterThan(10_000);
    }

    [Fact]
    public void Check_ReversedOrder_IsRefused()
    {
        var series = fixtures.Series(3);
        var check = Comparability.Check(Digest(series[2]), Digest(series[0]));
        check.Comparable.ShouldBeFalse();
        check.Reason.ShouldContain("wrong order");
    }

    [Fact]
    public void Check_SnapshotsOfTwoProcessesOfTheSameProgram_MatchByPaths()
    {
        // Series(2) is a second run of the same program: same code, same startup, different process. Its ids name other
        // objects, so objects are matched by paths, not refused.
        var check = Comparability.Check(Digest(fixtures.Series(2)[0]), Digest(fixtures.Series(3)[1]));
        check.Comparable.ShouldBeTrue(check.Reason);
        check.Matching.ShouldBe(SnapshotMatching.Paths);
        check.MismatchedIds.ShouldBeGreaterThan((long)(check.SharedIds * Comparability.MaxMismatchShare));
    }

    [Fact]
    public void Check_SnapshotsOfTwoDifferentPrograms_AreRefusedSayingSo()
    {
        var check = Comparability.Check(Digest(fixtures.Get("small.js")), Digest(fixtures.Get("features.js")));
        check.Comparable.ShouldBeFalse();
        check.Reason.ShouldContain("no application script in common (small.js versus features.js)");
        check.Reason.ShouldContain("two different programs");
    }

    [Fact]
    public void Check_SameProcessInTimeOrder_MatchesByIds()
    {
        var series = fixtures.Series(3);
        Comparability.Check(Digest(series[0]), Digest(series[1])).Matching.ShouldBe(SnapshotMatching.Ids);
    }

    private static SnapshotDigest Digest(string path) => SnapshotDigest.Create(SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(path)), path);

    // Heapdog names natives without DevTools' "Detached " prefix (docs/numbers.md): merge those rows back.
    private static IEnumerable<DevToolsDiffClass> MergeDetached(IEnumerable<DevToolsDiffClass> rows) =>
        rows.Select(r => r.ClassName.StartsWith("Detached ", StringComparison.Ordinal)
                ? r with { ClassKey = r.ClassKey.Replace(",Detached ", ",", StringComparison.Ordinal), ClassName = r.ClassName["Detached ".Length..] }
                : r)
            .GroupBy(r => r.ClassKey)
            .Select(g => g.Skip(1).Aggregate(g.First(), (a, b) => a with
            {
                NewCount = a.NewCount + b.NewCount, DeletedCount = a.DeletedCount + b.DeletedCount,
                AllocSize = a.AllocSize + b.AllocSize, FreedSize = a.FreedSize + b.FreedSize,
            }));
}

/// <summary>The JSON printed by tests/reference/devtools-diff.mjs.</summary>
public sealed record DevToolsDiff(DevToolsDiffClass[] Classes)
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    public static DevToolsDiff Load(string basePath, string targetPath)
    {
        string json = NodeProgram.Run(RepoPaths.Reference("devtools-diff.mjs"), [basePath, targetPath], TimeSpan.FromMinutes(5));
        return JsonSerializer.Deserialize<DevToolsDiff>(json, Options) ?? throw new InvalidOperationException("empty reference output");
    }
}

public sealed record DevToolsDiffClass(string ClassKey, string ClassName, long NewCount, long DeletedCount, long AllocSize, long FreedSize);
