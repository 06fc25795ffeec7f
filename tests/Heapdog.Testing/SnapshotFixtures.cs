using System.Collections.Concurrent;
using System.Globalization;

namespace Heapdog.Testing;

/// <summary>
/// Real heap snapshots written by Node (<c>v8.writeHeapSnapshot</c>) from the fixture programs in tests/fixtures, each
/// made once per test run into a private temporary directory (never committed) that is deleted at the end. Different
/// programs may run at the same time; asking twice for the same one waits for the first run.
/// </summary>
/// <remarks>
/// xunit finds collection definitions only in the test assembly, so each test project declares its own
/// <c>[CollectionDefinition]</c> with <c>ICollectionFixture&lt;SnapshotFixtures&gt;</c> to share one instance.
/// </remarks>
public sealed class SnapshotFixtures : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private readonly TempDirectory _dir = new("heapdog-snapshots-");
    private readonly ConcurrentDictionary<string, Lazy<Task<string[]>>> _runs = new();

    /// <summary>The snapshot written by <c>node tests/fixtures/PROGRAM OUT.heapsnapshot</c>.</summary>
    public string Get(string program) =>
        Once("file:" + program, () =>
        {
            string path = _dir.File(Path.GetFileNameWithoutExtension(program) + ".heapsnapshot");
            NodeProgram.Run(RepoPaths.Fixture(program), [path], Timeout);
            return [path];
        }).GetAwaiter().GetResult()[0];

    /// <summary>A series of <paramref name="count"/> snapshots of one process (tests/fixtures/grow.js).</summary>
    public string[] Series(int count) => Written("grow.js", count.ToString(CultureInfo.InvariantCulture));

    /// <summary>
    /// The snapshots written by <c>node tests/fixtures/PROGRAM OUT_DIR ARGS</c>, in file-name order (a program that writes
    /// several names them s1.heapsnapshot, s2.heapsnapshot, …).
    /// </summary>
    public string[] Written(string program, params string[] args) => WrittenAsync(program, args).GetAwaiter().GetResult();

    /// <summary><see cref="Written"/>, started on the thread pool: several programs can run at once.</summary>
    public Task<string[]> WrittenAsync(string program, params string[] args)
    {
        string name = string.Join('-', [Path.ChangeExtension(program, null).Replace('/', '-'), .. args]);
        return Once("dir:" + name, () =>
        {
            string outDir = Directory.CreateDirectory(_dir.File(name)).FullName;
            NodeProgram.Run(RepoPaths.Fixture(program), [outDir, .. args], Timeout);
            return Directory.GetFiles(outDir, "*.heapsnapshot").Order(StringComparer.Ordinal).ToArray();
        });
    }

    /// <summary>A path in the fixtures' temporary directory, for files a test makes itself.</summary>
    public string TempPath(string name) => _dir.File(name);

    private Task<string[]> Once(string key, Func<string[]> make) =>
        _runs.GetOrAdd(key, _ => new Lazy<Task<string[]>>(() => Task.Run(make))).Value;

    public void Dispose()
    {
        // A run still writing into the directory would leave it behind.
        var running = _runs.Values.Where(r => r.IsValueCreated).Select(r => r.Value).ToArray<Task>();
        try { Task.WaitAll(running, Timeout); }
        catch (AggregateException) { }
        _dir.Dispose();
    }
}
