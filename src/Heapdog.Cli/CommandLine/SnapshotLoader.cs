using Heapdog.Snapshot;
using Heapdog.Snapshot.Analysis;

namespace Heapdog.Cli.CommandLine;

/// <summary>Loads and analyses a snapshot for a command, with progress on stderr and the documented errors.</summary>
public static class SnapshotLoader
{
    public static HeapSnapshot Load(CliContext context, string path, CancellationToken cancellation)
    {
        if (Directory.Exists(path)) throw new HeapdogException($"'{path}' is a directory, not a heap snapshot", ExitCodes.InputNotFound);
        if (!File.Exists(path)) throw new HeapdogException($"'{path}' does not exist", ExitCodes.InputNotFound);
        string name = Path.GetFileName(path);
        var progress = new Progress(context, $"Reading {name}");
        try
        {
            return HeapSnapshotReader.Read(path, progress, cancellation);
        }
        catch (SnapshotFormatException ex)
        {
            throw new HeapdogException($"'{path}': {ex.Message}", ex.IsUnsupported ? ExitCodes.Unsupported : ExitCodes.BadInput, ex);
        }
        catch (FileNotFoundException ex)
        {
            throw new HeapdogException(ex.Message, ExitCodes.InputNotFound, ex);
        }
        catch (IOException ex)
        {
            throw new HeapdogException($"cannot read '{path}': {ex.Message}", ExitCodes.InputNotFound, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new HeapdogException($"cannot read '{path}': permission denied", ExitCodes.InputNotFound, ex);
        }
        catch (OutOfMemoryException ex)
        {
            throw new HeapdogException($"'{path}' needs more memory than is available (see the README for what Heapdog needs per node and edge)", ExitCodes.Refused, ex);
        }
    }

    public static SnapshotAnalysis Analyze(CliContext context, HeapSnapshot snapshot, CancellationToken cancellation)
    {
        try
        {
            return SnapshotAnalysis.Analyze(snapshot, new SynchronousProgress(context), cancellation);
        }
        catch (OutOfMemoryException ex)
        {
            throw new HeapdogException("the analysis needs more memory than is available (see the README for what Heapdog needs per node and edge)", ExitCodes.Refused, ex);
        }
    }

    /// <summary>Reports on the calling thread (System.Progress would post to the thread pool and lag behind).</summary>
    private sealed class SynchronousProgress(CliContext context) : IProgress<AnalysisProgress>
    {
        public void Report(AnalysisProgress value) => context.Progress.Report(value.Phase, value.Fraction);
    }

    private sealed class Progress(CliContext context, string phase) : IProgress<double>
    {
        public void Report(double value) => context.Progress.Report(phase, value);
    }
}
