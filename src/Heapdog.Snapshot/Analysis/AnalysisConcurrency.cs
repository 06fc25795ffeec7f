namespace Heapdog.Snapshot.Analysis;

/// <summary>How <see cref="SnapshotAnalysis"/> spreads its kernels; every mode gives the same results.</summary>
internal enum AnalysisConcurrency
{
    /// <summary>Two cores where there are two; distances and class names beside the dominators when memory allows.</summary>
    Auto,
    /// <summary>One kernel after another on one thread: the least memory.</summary>
    Sequential,
    /// <summary>Two threads throughout, whatever the memory.</summary>
    Parallel,
}
