using Heapdog.Leaks;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Leaks;

/// <summary>
/// The leak report over snapshots of one process, oldest first: used by <c>leaks</c>, <c>hunt</c> and the dashboard.
/// Snapshots are opened one at a time by <c>open</c> and handed to a <see cref="LeakSeries"/>, which keeps only the
/// last graph, so only one full graph is in memory at once.
/// </summary>
public static class LeakFinder
{
    public static LeakReport Find(int count, Func<int, LeakInput> open, IWorkProgress progress, CancellationToken cancellation)
    {
        var series = new LeakSeries();
        for (int i = 0; i < count; i++)
        {
            var input = open(i);
            try
            {
                series.Add(input.Analysis, input.Digest, input.Name, isLast: i == count - 1);
            }
            catch (SnapshotsNotComparableException e)
            {
                throw new HeapdogException(ErrorKind.NotComparable, e.Message, e);
            }
        }
        progress.Report("Finding leak suspects", -1);
        return series.Detect(cancellation);
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
