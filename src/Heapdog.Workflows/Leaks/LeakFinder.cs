using Heapdog.Leaks;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Progress;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Workflows.Leaks;

/// <summary>
/// The leak report over snapshots of one process, oldest first: used by <c>leaks</c>, <c>hunt</c> and the dashboard.
/// Snapshots are opened one at a time by <c>open</c> and handed to a <see cref="LeakSeries"/>, which keeps only the
/// last graph, so only one full graph is in memory at once. Files are read faster (<see cref="FromFiles"/>): the next
/// one is read on a second core meanwhile, so up to three graphs are alive at once.
/// </summary>
public static class LeakFinder
{
    public static LeakReport Find(int count, Func<int, LeakInput> open, IWorkProgress progress, CancellationToken cancellation) =>
        Run(new LeakSeries(), count, open, progress, cancellation)!;

    /// <summary>
    /// The report over snapshot files, oldest first. Each file is read and analysed while the one before is: two at a
    /// time, on both cores. An earlier snapshot's collections by path (needed only when snapshots do not share their
    /// ids: separate inspector sessions, a restart) are made only when the next snapshot does not share its ids; when
    /// a later pair shows one is missing, the files are read again with every census made (standard input cannot be
    /// read again, so with it they are made from the start).
    /// </summary>
    public static LeakReport FromFiles(IReadOnlyList<string> paths, IWorkProgress progress, CancellationToken cancellation)
    {
        var shared = new SharedProgress(progress);
        if (!paths.Contains(SnapshotOpener.Stdin) && FromFiles(paths, shared, deferPathCensuses: true, cancellation) is { } report)
            return report;
        return FromFiles(paths, shared, deferPathCensuses: false, cancellation)!;
    }

    /// <summary>The report, or null when the series needed a path census it had deferred.</summary>
    private static LeakReport? FromFiles(IReadOnlyList<string> paths, IWorkProgress progress, bool deferPathCensuses, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var opening = new Task<LeakInput>?[paths.Count];
        LeakInput Open(int i)
        {
            if (i + 1 < paths.Count) opening[i + 1] = Task.Run(() => OpenFile(paths[i + 1], progress, stop.Token), stop.Token);
            var input = opening[i] is { } ahead ? ahead.GetAwaiter().GetResult() : OpenFile(paths[i], progress, stop.Token);
            opening[i] = null;
            return input;
        }
        try
        {
            return Run(new LeakSeries(deferPathCensuses), paths.Count, Open, progress, cancellation);
        }
        finally
        {
            // A failure (or an early refusal) leaves the next file being read: stop it and wait, nothing outlives the call.
            stop.Cancel();
            foreach (var task in opening) ((IAsyncResult?)task)?.AsyncWaitHandle.WaitOne();
        }
    }

    /// <summary>Reads and summarises one file in a progress lane of its own: two files are worked on at once.</summary>
    private static LeakInput OpenFile(string path, IWorkProgress progress, CancellationToken cancellation)
    {
        var lane = progress.Beside(path == SnapshotOpener.Stdin ? "stdin" : Path.GetFileName(path));
        try
        {
            var analysis = SnapshotOpener.Open(path, lane, cancellation);
            lane.Report($"Summarising {Path.GetFileName(path)}", -1);
            return new LeakInput(analysis, SnapshotDigest.Create(analysis, path), $"'{path}'");
        }
        finally
        {
            lane.Clear();
        }
    }

    /// <summary>The report, or null when <paramref name="series"/> refused a snapshot for want of a deferred path census.</summary>
    private static LeakReport? Run(LeakSeries series, int count, Func<int, LeakInput> open, IWorkProgress progress, CancellationToken cancellation)
    {
        for (int i = 0; i < count; i++)
        {
            var input = open(i);
            try
            {
                if (!series.Add(input.Analysis, input.Digest, input.Name, isLast: i == count - 1)) return null;
            }
            catch (SnapshotsNotComparableException e)
            {
                throw new HeapdogException(ErrorKind.NotComparable, e.Message, e);
            }
        }
        progress.Report("Finding leak suspects", -1);
        return series.Detect(cancellation);
    }

    /// <summary>Progress reported from the thread reading ahead as well: one call at a time reaches the sink.</summary>
    private sealed class SharedProgress(IWorkProgress inner, Lock gate) : IWorkProgress
    {
        private readonly Lock _gate = gate;

        public SharedProgress(IWorkProgress inner) : this(inner, new Lock())
        {
        }

        public IWorkProgress Beside(string lane)
        {
            lock (_gate) return new SharedProgress(inner.Beside(lane), _gate);
        }

        public void Report(string phase, double fraction)
        {
            lock (_gate) inner.Report(phase, fraction);
        }

        public void ReportBytes(string phase, long done, long total)
        {
            lock (_gate) inner.ReportBytes(phase, done, total);
        }

        public void Notice(string line)
        {
            lock (_gate) inner.Notice(line);
        }

        public void Clear()
        {
            lock (_gate) inner.Clear();
        }
    }
}
