namespace Heapdog.Snapshot.Tests.Infrastructure;

/// <summary>
/// Real snapshots written by Node from the fixture programs in tests/fixtures, generated once per test run into a
/// temporary directory (never committed) and deleted at the end.
/// </summary>
public sealed class SnapshotFixtures : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("heapdog-tests-").FullName;
    private readonly Dictionary<string, string> _made = [];
    private readonly Lock _gate = new();

    /// <summary>The snapshot written by tests/fixtures/<paramref name="program"/>.</summary>
    public string Get(string program)
    {
        lock (_gate)
        {
            if (_made.TryGetValue(program, out var path)) return path;
            path = Path.Combine(_dir, Path.GetFileNameWithoutExtension(program) + ".heapsnapshot");
            NodeProcess.Run(TimeSpan.FromMinutes(2), RepoPaths.Fixture(program), path);
            _made[program] = path;
            return path;
        }
    }

    /// <summary>A series of snapshots of one process (tests/fixtures/grow.js).</summary>
    public string[] Series(int count)
    {
        lock (_gate)
        {
            string key = "grow" + count;
            string dir = Path.Combine(_dir, key);
            if (!_made.ContainsKey(key))
            {
                Directory.CreateDirectory(dir);
                NodeProcess.Run(TimeSpan.FromMinutes(2), RepoPaths.Fixture("grow.js"), dir, count.ToString());
                _made[key] = dir;
            }
            return Directory.GetFiles(dir, "*.heapsnapshot").Order(StringComparer.Ordinal).ToArray();
        }
    }

    public string TempPath(string name) => Path.Combine(_dir, name);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class SnapshotCollection : ICollectionFixture<SnapshotFixtures>
{
    public const string Name = "Real snapshots";
}
