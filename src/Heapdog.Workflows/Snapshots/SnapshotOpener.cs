using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Snapshots;

/// <summary>Reads and analyses a snapshot file, with progress and the documented errors.</summary>
public static class SnapshotOpener
{
    public static HeapSnapshot Read(string path, IWorkProgress progress, CancellationToken cancellation)
    {
        if (Directory.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"'{path}' is a directory, not a heap snapshot");
        if (!File.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"'{path}' does not exist");
        string phase = $"Reading {Path.GetFileName(path)}";
        try
        {
            return HeapSnapshotReader.Read(path, new SyncProgress<double>(f => progress.Report(phase, f)), cancellation);
        }
        catch (SnapshotFormatException ex)
        {
            throw new HeapdogException(ex.IsUnsupported ? ErrorKind.Unsupported : ErrorKind.Malformed, $"'{path}': {ex.Message}", ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new HeapdogException(ErrorKind.NotFound, ex.Message, ex);
        }
        catch (IOException ex)
        {
            throw new HeapdogException(ErrorKind.NotFound, $"cannot read '{path}': {ex.Message}", ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new HeapdogException(ErrorKind.NotFound, $"cannot read '{path}': permission denied", ex);
        }
        catch (OutOfMemoryException ex)
        {
            throw new HeapdogException(ErrorKind.Refused, $"'{path}' needs more memory than is available (see the README for what Heapdog needs per node and edge)", ex);
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
}
