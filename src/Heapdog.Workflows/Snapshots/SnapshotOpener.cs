using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Caching;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Snapshots;

/// <summary>Reads and analyses a snapshot file with progress and the documented errors; reopens an analysis from its
/// index (<see cref="AnalysisIndex"/>) and writes one.</summary>
public static class SnapshotOpener
{
    /// <summary>Reads <paramref name="path"/>; messages name it <paramref name="name"/> (the path when not given).
    /// A FIFO, a socket or a device is refused (<see cref="ErrorKind.NotFound"/>) before it is opened
    /// (<see cref="SpecialFile"/>): opening a FIFO would wait for a writer for ever.</summary>
    public static HeapSnapshot Read(string path, IWorkProgress progress, CancellationToken cancellation, string? name = null)
    {
        name ??= path;
        if (Directory.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"'{name}' is a directory, not a heap snapshot");
        if (!File.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"'{name}' does not exist");
        SpecialFile.Refuse(path, name);
        string phase = $"Reading {Path.GetFileName(path)}";
        try
        {
            return HeapSnapshotReader.Read(path, new SyncProgress<double>(f => progress.Report(phase, f)), cancellation);
        }
        catch (SnapshotFormatException ex)
        {
            throw new HeapdogException(ex.IsUnsupported ? ErrorKind.Unsupported : ErrorKind.Malformed, $"'{name}': {ex.Message}", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new HeapdogException(ErrorKind.NotFound, $"'{name}' does not exist", ex);
        }
        catch (IOException ex)
        {
            throw new HeapdogException(ErrorKind.NotFound, $"cannot read '{name}': {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new HeapdogException(ErrorKind.NotFound, $"cannot read '{name}': permission denied", ex);
        }
        catch (OutOfMemoryException ex)
        {
            throw new HeapdogException(ErrorKind.Refused, $"'{name}' needs more memory than is available (see the README for what Heapdog needs per node and edge)", ex);
        }
    }

    public static SnapshotAnalysis Analyze(HeapSnapshot snapshot, IWorkProgress progress, CancellationToken cancellation)
    {
        try
        {
            return SnapshotAnalysis.Analyze(snapshot, new SyncProgress<AnalysisProgress>(p => progress.Report(p.Phase, p.Fraction)), cancellation);
        }
        catch (OutOfMemoryException ex)
        {
            throw new HeapdogException(ErrorKind.Refused, "the analysis needs more memory than is available (see the README for what Heapdog needs per node and edge)", ex);
        }
    }

    /// <summary>Reads and analyses <paramref name="path"/>.</summary>
    public static SnapshotAnalysis Open(string path, IWorkProgress progress, CancellationToken cancellation) =>
        Analyze(Read(path, progress, cancellation), progress, cancellation);

    /// <summary>The analysis of <paramref name="path"/> from its index, or null when there is none or it no longer
    /// matches the file (a stale, damaged or foreign index is never used).</summary>
    public static SnapshotAnalysis? TryReopen(string path) =>
        SpecialFile.Describe(path) is null && AnalysisIndex.TryLoad(AnalysisIndex.PathFor(path), path, out var analysis) ? analysis : null;

    /// <summary>Writes the index of <paramref name="analysis"/> beside <paramref name="path"/>, best effort: without
    /// it, reopening the snapshot later means analysing it again.</summary>
    public static bool TryWriteIndex(string path, SnapshotAnalysis analysis) =>
        AnalysisIndex.TryWrite(AnalysisIndex.PathFor(path), path, analysis);
}
