using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Mcp;

/// <summary>
/// The snapshots an agent has opened, kept analysed for its follow-up calls (inspect, paths, … on the same file). At
/// most <see cref="Capacity"/> analyses stay in memory, the least recently used going first: an analysis takes about
/// 2.5× its snapshot's size (README, "What it needs in memory"). A file is opened again when it changed (length or
/// write time). An existing analysis index beside the file is used; none is written, as the files are the user's.
/// </summary>
public sealed class SnapshotCache(int capacity = SnapshotCache.DefaultCapacity)
{
    public const int DefaultCapacity = 2;
    private readonly Lock _gate = new();
    private readonly LinkedList<(string Key, SnapshotAnalysis Analysis)> _recent = new();

    public int Capacity { get; } = Math.Max(1, capacity);

    public SnapshotAnalysis Open(string path, IWorkProgress progress, CancellationToken cancellation)
    {
        string full = Path.GetFullPath(path);
        var info = new FileInfo(full);
        string key = info.Exists ? $"{full}|{info.Length}|{info.LastWriteTimeUtc.Ticks}" : full;
        lock (_gate)
        {
            for (var n = _recent.First; n is not null; n = n.Next)
            {
                if (n.Value.Key != key) continue;
                _recent.Remove(n);
                _recent.AddFirst(n);
                return n.Value.Analysis;
            }
        }
        var analysis = SnapshotOpener.TryReopen(full) ?? SnapshotOpener.Open(full, progress, cancellation);
        lock (_gate)
        {
            _recent.AddFirst((key, analysis));
            while (_recent.Count > Capacity) _recent.RemoveLast();
        }
        return analysis;
    }
}
