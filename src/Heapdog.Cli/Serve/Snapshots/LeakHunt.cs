using Heapdog.Cli.CommandLine;
using System.Diagnostics;
using Heapdog.Cli.Reports;
using Heapdog.Cli.Serve.Jobs;
using Heapdog.Leaks;
using Heapdog.Monitoring.Store;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Cli.Serve.Snapshots;

/// <summary>The leak report over snapshots of the library, oldest first, as <c>heapdog leaks --json</c> writes it.
/// Snapshots not in memory are analysed on the way (only inside a job), one at a time, so any number fits.</summary>
public static class LeakHunt
{
    public static bool AllLoaded(SnapshotLibrary library, IReadOnlyList<StoredSnapshot> records) =>
        records.All(r => library.Loaded(r.Id) is not null);

    public static string Run(SnapshotLibrary library, IReadOnlyList<StoredSnapshot> records, int top, Job? job, CancellationToken ct,
        double from = 0, double to = 1)
    {
        var clock = Stopwatch.StartNew();
        var detector = new LeakDetector();
        SnapshotDigest? previous = null;
        StoredSnapshot? previousRecord = null;
        double step = (to - from) / Math.Max(1, records.Count);
        for (int i = 0; i < records.Count; i++)
        {
            var record = records[i];
            var loaded = library.Loaded(record.Id)
                ?? (job is null
                    ? throw new InvalidOperationException($"snapshot {record.Id} is not in memory")
                    : library.Analyze(record, job, ct, from + step * i, from + step * (i + 0.9)));
            job?.Report($"comparing snapshot {i + 1} of {records.Count}", from + step * (i + 0.9));
            var digest = loaded.Digest;
            if (previous is not null)
            {
                var check = Comparability.Check(previous, digest);
                if (!check.Comparable)
                    throw new HeapdogException($"snapshots {previousRecord!.Id} and {record.Id} cannot be compared: {check.Reason} " +
                                               "(snapshots must come from one process lifetime, oldest first)", ExitCodes.NotComparable);
            }
            detector.Add(loaded.Analysis, digest, i == records.Count - 1);
            previous = digest;
            previousRecord = record;
        }
        job?.Report("finding leak suspects", to);
        var output = new StringWriter();
        new LeaksReport(detector.Detect(ct), top, clock.Elapsed).WriteJson(output);
        return output.ToString();
    }
}
