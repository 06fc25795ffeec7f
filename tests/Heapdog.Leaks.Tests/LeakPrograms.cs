using Heapdog.Leaks;
using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;
using Heapdog.Snapshot.Tests.Infrastructure;

namespace Heapdog.Leaks.Tests;

/// <summary>
/// Runs every leak program in Programs/ once per test run, in parallel, each writing three snapshots with
/// v8.writeHeapSnapshot() into a temporary folder that is deleted at the end; detection results are cached.
/// </summary>
public sealed class LeakPrograms : IDisposable
{
    public static readonly string[] Names = ["listeners", "sent-events", "sockets", "closure-chain", "map-cache", "backlog", "lru-control", "churn-control"];

    private readonly string _dir = Directory.CreateTempSubdirectory("heapdog-leaks-").FullName;
    private readonly Dictionary<string, Task<string[]>> _runs = [];
    private readonly Dictionary<string, Lazy<LeakReport>> _reports = [];

    public LeakPrograms()
    {
        foreach (var name in Names)
        {
            string outDir = Path.Combine(_dir, name);
            Directory.CreateDirectory(outDir);
            _runs[name] = Task.Run(() =>
            {
                NodeProcess.Run(TimeSpan.FromMinutes(2), ProgramPath(name), outDir);
                return Enumerable.Range(1, 3).Select(i => Path.Combine(outDir, $"s{i}.heapsnapshot")).ToArray();
            });
            _reports[name] = new Lazy<LeakReport>(() => Detect(Snapshots(name)));
        }
    }

    public static string ProgramPath(string name) => Path.Combine(AppContext.BaseDirectory, "Programs", name + ".js");

    /// <summary>The 1-based line of the program marked <c>// leak-site</c>.</summary>
    public static int LeakSiteLine(string name)
    {
        var lines = File.ReadAllLines(ProgramPath(name));
        return Array.FindIndex(lines, l => l.Contains("// leak-site", StringComparison.Ordinal)) + 1;
    }

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

    public string TempPath(string name) => Path.Combine(_dir, name);

    public void Dispose()
    {
        try { Task.WaitAll(_runs.Values.ToArray<Task>(), TimeSpan.FromMinutes(2)); } catch (AggregateException) { }
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class LeakProgramsCollection : ICollectionFixture<LeakPrograms>
{
    public const string Name = "Leak programs";
}
