using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Workflows.Leaks;

/// <summary>One snapshot of a leak series: its analysis (dropped once the next one is added), its digest, and how to
/// name it to the user (<c>'/tmp/a.heapsnapshot'</c>, <c>snapshot 12</c>).</summary>
public sealed record LeakInput(SnapshotAnalysis Analysis, SnapshotDigest Digest, string Name);
