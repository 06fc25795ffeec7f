using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Cli.CommandLine;

/// <summary>Loads snapshots one at a time for commands that compare them, keeping only their digests.</summary>
public static class DigestLoader
{
    /// <summary>Reads and analyses <paramref name="path"/>, hands the analysis to <paramref name="use"/>, and keeps only the digest.</summary>
    public static SnapshotDigest? Load(CliContext context, string path, CancellationToken cancellation, Action<SnapshotAnalysis>? use = null, bool createDigest = true)
    {
        var analysis = SnapshotLoader.Analyze(context, SnapshotLoader.Load(context, path, cancellation), cancellation);
        use?.Invoke(analysis);
        return createDigest ? SnapshotDigest.Create(analysis, path) : null;
    }

    /// <summary>Throws the documented refusal when <paramref name="later"/> cannot be compared with <paramref name="earlier"/>.</summary>
    public static void EnsureComparable(SnapshotDigest earlier, SnapshotDigest later)
    {
        var check = Comparability.Check(earlier, later);
        if (!check.Comparable)
            throw new HeapdogException($"'{earlier.Source}' and '{later.Source}' cannot be compared: {check.Reason} (snapshots must come from one process lifetime, oldest first)", ExitCodes.NotComparable);
    }
}
