using Heapdog.Leaks;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Leaks;

/// <summary>
/// The leak report over snapshots of one process, oldest first: used by <c>leaks</c>, <c>hunt</c> and the dashboard.
/// Snapshots are opened one at a time by <c>open</c>, so only one full graph is in memory at once.
/// </summary>
public static class LeakFinder
{
    public static LeakReport Find(int count, Func<int, LeakInput> open, IWorkProgress progress, CancellationToken cancellation)
    {
        var detector = new LeakDetector();
        (SnapshotDigest Digest, string Name)? previous = null;
        for (int i = 0; i < count; i++)
        {
            var input = open(i);
            if (previous is var (digest, name))
                SnapshotComparison.EnsureComparable(digest, input.Digest, name, input.Name);
            detector.Add(input.Analysis, input.Digest, i == count - 1);
            // Only the digest of this snapshot is kept: its graph can go before the next one is read.
            previous = (input.Digest, input.Name);
        }
        progress.Report("Finding leak suspects", -1);
        return detector.Detect(cancellation);
    }

    /// <summary>The report over snapshot files, oldest first.</summary>
    public static LeakReport FromFiles(IReadOnlyList<string> paths, IWorkProgress progress, CancellationToken cancellation) =>
        Find(paths.Count, i =>
        {
            string path = paths[i];
            var analysis = SnapshotOpener.Open(path, progress, cancellation);
            progress.Report($"Summarising {Path.GetFileName(path)}", -1);
            return new LeakInput(analysis, SnapshotDigest.Create(analysis, path), $"'{path}'");
        }, progress, cancellation);
}
