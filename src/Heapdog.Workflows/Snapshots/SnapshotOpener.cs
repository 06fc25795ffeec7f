using System.IO.Compression;
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
    /// <summary>The path that means standard input wherever a snapshot is read.</summary>
    public const string Stdin = "-";

    /// <summary>
    /// Reads <paramref name="path"/> (<see cref="Stdin"/>: standard input); messages name it <paramref name="name"/>
    /// (the path, or "stdin", when not given). A gzip-compressed snapshot (<c>.heapsnapshot.gz</c>, recognised by its
    /// first bytes, not its name) is decompressed as it is read; the byte offsets of its format errors count the
    /// decompressed data, and the message says so. A FIFO, a socket or a device given by name is refused
    /// (<see cref="ErrorKind.NotFound"/>) before it is opened (<see cref="SpecialFile"/>): opening a FIFO would wait
    /// for a writer for ever. Standard input is read as it comes, whatever it is.
    /// </summary>
    public static HeapSnapshot Read(string path, IWorkProgress progress, CancellationToken cancellation, string? name = null)
    {
        bool stdin = path == Stdin;
        name ??= stdin ? "stdin" : path;
        if (!stdin)
        {
            if (Directory.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"'{name}' is a directory, not a heap snapshot");
            if (!File.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"'{name}' does not exist");
            SpecialFile.Refuse(path, name);
        }
        string phase = $"Reading {(stdin ? "stdin" : Path.GetFileName(path))}";
        bool compressed = false;
        try
        {
            if (!stdin && !IsGzip(path))
            {
                long length = new FileInfo(path).Length;
                return HeapSnapshotReader.Read(path, new SyncProgress<double>(f => progress.ReportBytes(phase, (long)(f * length), length)), cancellation);
            }
            // Through a counting stream: the reader sees neither the input's length nor how far into it it is.
            using var raw = stdin ? Console.OpenStandardInput() : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            long total = stdin ? 0 : raw.Length;
            using var counted = new CountingStream(raw, read => progress.ReportBytes(phase, read, total));
            compressed = counted.Peek(2) is [0x1f, 0x8b];
            if (!compressed) return HeapSnapshotReader.Read(counted, null, cancellation);
            using var gzip = new GZipStream(counted, CompressionMode.Decompress);
            return HeapSnapshotReader.Read(gzip, null, cancellation);
        }
        catch (SnapshotFormatException ex)
        {
            string offsets = compressed && ex.Message.Contains("byte ", StringComparison.Ordinal) ? " (byte offsets count the decompressed data)" : "";
            throw new HeapdogException(ex.IsUnsupported ? ErrorKind.Unsupported : ErrorKind.Malformed, $"'{name}': {ex.Message}{offsets}", ex);
        }
        catch (InvalidDataException ex)
        {
            throw new HeapdogException(ErrorKind.Malformed, $"'{name}': not a readable gzip file: {ex.Message}", ex);
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

    /// <summary>Refuses a command line that names standard input more than once: it can be read only once.</summary>
    public static void CheckStdinOnce(IEnumerable<string> paths)
    {
        if (paths.Count(p => p == Stdin) > 1)
            throw new HeapdogException(ErrorKind.BadRequest, "'-' (stdin) can be read only once per command; give the other snapshots as files");
    }

    /// <summary>Whether the file starts as gzip does (1f 8b), whatever its name.</summary>
    private static bool IsGzip(string path)
    {
        Span<byte> head = stackalloc byte[2];
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        return file.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && head is [0x1f, 0x8b];
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
        path != Stdin && SpecialFile.Describe(path) is null && AnalysisIndex.TryLoad(AnalysisIndex.PathFor(path), path, out var analysis) ? analysis : null;

    /// <summary>Writes the index of <paramref name="analysis"/> beside <paramref name="path"/>, best effort: without
    /// it, reopening the snapshot later means analysing it again.</summary>
    public static bool TryWriteIndex(string path, SnapshotAnalysis analysis) =>
        path != Stdin && AnalysisIndex.TryWrite(AnalysisIndex.PathFor(path), path, analysis);
}
