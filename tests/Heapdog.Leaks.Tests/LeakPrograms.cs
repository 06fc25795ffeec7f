using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Leaks.Tests;

/// <summary>
/// Runs every leak program in tests/fixtures/leaks once per test run, in parallel, each writing three snapshots with
/// v8.writeHeapSnapshot() into a temporary folder that is deleted at the end; detection results are cached.
/// </summary>
public sealed class LeakPrograms : IDisposable
{
    public static readonly string[] Names = ["listeners", "sent-events", "sockets", "sessions", "closure-chain", "map-cache", "backlog", "lru-control", "churn-control"];

    private readonly SnapshotFixtures _fixtures = new();
    private readonly Dictionary<string, Task<string[]>> _runs = [];
    private readonly Dictionary<string, Lazy<LeakReport>> _reports = [];

    public LeakPrograms()
    {
        foreach (var name in Names)
        {
            _runs[name] = _fixtures.WrittenAsync(LeakFixtures.Program(name));
            _reports[name] = new Lazy<LeakReport>(() => Detect(Snapshots(name)));
        }
    }

    public static string ProgramPath(string name) => LeakFixtures.ProgramPath(name);

    /// <summary>The 1-based line of the program marked <c>// leak-site</c>.</summary>
    public static int LeakSiteLine(string name) => LeakFixtures.LeakSiteLine(name);

    public string[] Snapshots(string name) => _runs[name].GetAwaiter().GetResult();

    public LeakReport Report(string name) => _reports[name].Value;

    public static LeakReport Detect(IReadOnlyList<string> paths)
    {
        var detector = new LeakDetector();
        for (int i = 0; i < paths.Count; i++)
        {
            var analysis = SnapshotAnalysis.Analyze(HeapSnapshotReader.Read(paths[i]));
            detector.Add(analysis, SnapshotDigest.Create(analysis, paths[i]), i == paths.Count - 1);
        }
        return detector.Detect();
    }

    public string TempPath(string name) => _fixtures.TempPath(name);

    public void Dispose() => _fixtures.Dispose();
}

[CollectionDefinition(Name)]
public sealed class LeakProgramsCollection : ICollectionFixture<LeakPrograms>
{
    public const string Name = "Leak programs";
}
