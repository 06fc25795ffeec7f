using System.Globalization;
using System.Text;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Jobs;
using Heapdog.Snapshot.Analysis;
using Heapdog.Snapshot.Caching;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Snapshots;
using Microsoft.AspNetCore.Http;

namespace Heapdog.Server.Snapshots;

/// <summary>
/// The snapshots the dashboard keeps: files in one directory, a record each in the store, and the analyses of the
/// most recently used ones in memory (the others are analysed again on demand). Analyses run one at a time: two
/// multi-GB snapshots analysed together would need twice the memory for no gain on two cores.
/// </summary>
public sealed class SnapshotLibrary(IDashboardStore store, JobBoard jobs, string directory, int capacity)
{
    private readonly SemaphoreSlim _analysisGate = new(1);
    private readonly Lock _gate = new();
    private readonly LinkedList<LoadedSnapshot> _loaded = new();
    private readonly Dictionary<long, Job> _analysing = [];

    public string Directory { get; } = PrivateDirectory.Create(directory).FullName;

    public IReadOnlyList<StoredSnapshot> All() => store.Snapshots();

    public StoredSnapshot? Find(long id) => store.Snapshots(id).FirstOrDefault();

    /// <summary>The running analysis of a snapshot, if any.</summary>
    public Job? AnalysisJob(long id)
    {
        lock (_gate) return _analysing.GetValueOrDefault(id);
    }

    /// <summary>A new file name in the library for a snapshot named <paramref name="stem"/>: never an existing file.</summary>
    public string NewPath(string stem)
    {
        var safe = new StringBuilder();
        foreach (char c in Path.GetFileNameWithoutExtension(stem)) safe.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
        if (safe.Length == 0) safe.Append("snapshot");
        if (safe.Length > 80) safe.Length = 80;
        string stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        for (int n = 1; ; n++)
        {
            string path = Path.Combine(Directory, $"{stamp}-{safe}{(n > 1 ? "-" + n.ToString(CultureInfo.InvariantCulture) : "")}.heapsnapshot");
            if (!File.Exists(path) && !File.Exists(path + ".partial")) return path;
        }
    }

    /// <summary>
    /// Streams an upload to disk (never whole in memory) under a temporary name, owner-only, and renames it when
    /// complete. The first bytes must be a heap snapshot's; more than <paramref name="maxBytes"/> or a disk that fills
    /// up ends the upload, and the partial file is removed.
    /// </summary>
    public async Task<StoredSnapshot> ReceiveAsync(Stream body, string name, long maxBytes, CancellationToken ct)
    {
        string path = NewPath(name);
        string partial = path + ".partial";
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
        };
        // Owner-only: a heap snapshot holds every string of the process, secrets included.
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        long total = 0;
        try
        {
            await using (var file = new FileStream(partial, options))
            {
                var buffer = new byte[1 << 20];
                bool checkedHeader = false;
                while (true)
                {
                    int n = await body.ReadAsync(buffer, ct);
                    if (n == 0) break;
                    total += n;
                    if (total > maxBytes)
                        throw new HeapdogException(ErrorKind.TooLarge, $"upload larger than the limit of {Format.Size(maxBytes)} (--max-upload)");
                    if (!checkedHeader)
                    {
                        CheckHeader(buffer.AsSpan(0, n), name);
                        checkedHeader = true;
                    }
                    await file.WriteAsync(buffer.AsMemory(0, n), ct);
                }
                if (total == 0) throw new HeapdogException(ErrorKind.Malformed, $"upload '{name}' is empty");
                file.Flush(flushToDisk: true);
            }
            File.Move(partial, path);
        }
        catch (BadHttpRequestException e)
        {
            // Kestrel's own limit (MaxRequestBodySize = --max-upload) stops a chunked body of unknown length; anything
            // else is a body cut or garbled on the way.
            TryDelete(partial);
            throw e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new HeapdogException(ErrorKind.TooLarge, $"upload larger than the limit of {Format.Size(maxBytes)} (--max-upload)", e)
                : new HeapdogException(ErrorKind.BadRequest, $"upload '{name}' could not be read: {e.Message}", e);
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            TryDelete(partial);
            throw new HeapdogException(ErrorKind.OutputFailed, $"cannot store upload '{name}' in {Directory}: {e.Message}", e);
        }
        catch
        {
            TryDelete(partial);
            throw;
        }
        return store.AddSnapshot(null, null, name, path, total, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "upload", SnapshotState.New);
    }

    /// <summary>A heap snapshot starts with <c>{"snapshot":</c> (whitespace allowed): anything else is refused at once,
    /// before the rest is stored or analysed.</summary>
    private static void CheckHeader(ReadOnlySpan<byte> first, string name)
    {
        int i = 0;
        while (i < first.Length && first[i] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t') i++;
        // A UTF-8 byte order mark is tolerated, as the reader does.
        if (first[i..].StartsWith("\uFEFF"u8)) i += 3;
        var rest = first[i..];
        ReadOnlySpan<byte> expected = "{\"snapshot\""u8;
        int compare = Math.Min(rest.Length, expected.Length);
        if (compare == 0 || !rest[..compare].SequenceEqual(expected[..compare]))
            throw new HeapdogException(ErrorKind.Malformed, $"'{name}' is not a heap snapshot: it does not start with {{\"snapshot\"");
    }

    public StoredSnapshot Register(long? processId, int? pid, string path, long bytes, string source) =>
        store.AddSnapshot(processId, pid, Path.GetFileName(path), path, bytes, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), source, SnapshotState.New);

    /// <summary>Starts the analysis of a snapshot as a job, or returns the one already running.</summary>
    public Job StartAnalysis(StoredSnapshot record)
    {
        lock (_gate)
        {
            if (_analysing.TryGetValue(record.Id, out var running)) return running;
            var job = jobs.Start("analyze", record.ProcessId, (job, ct) =>
            {
                job.AddSnapshot(record.Id);
                Analyze(record, job, ct);
                return Task.FromResult<string?>($"{{\"snapshotId\":{record.Id.ToString(CultureInfo.InvariantCulture)}}}");
            });
            _analysing[record.Id] = job;
            return job;
        }
    }

    /// <summary>Reads and analyses a snapshot on the calling thread, reporting to <paramref name="job"/> between
    /// <paramref name="from"/> and <paramref name="to"/> of its progress, and keeps the result in memory.</summary>
    public LoadedSnapshot Analyze(StoredSnapshot record, Job job, CancellationToken ct, double from = 0, double to = 1)
    {
        _analysisGate.Wait(ct);
        try
        {
            store.UpdateSnapshot(record.Id, SnapshotState.Analysing);
            string name = record.Name;
            double span = to - from;
            SnapshotAnalysis analysis;
            try
            {
                var snapshot = SnapshotOpener.Read(record.File, new JobProgress(job, from, from + span * 0.6), ct, name);
                analysis = SnapshotOpener.Analyze(snapshot, new JobProgress(job, from + span * 0.6, to), ct);
            }
            catch (HeapdogException e)
            {
                store.UpdateSnapshot(record.Id, SnapshotState.Failed, e.Message);
                throw;
            }
            catch (OperationCanceledException)
            {
                store.UpdateSnapshot(record.Id, SnapshotState.New);
                throw;
            }
            var s = analysis.Snapshot;
            job.Report($"writing the analysis index of {name}", from + span * 0.99);
            SnapshotOpener.TryWriteIndex(record.File, analysis);
            store.UpdateSnapshot(record.Id, SnapshotState.Ready, null, s.NodeCount, s.EdgeCount, analysis.TotalSize);
            var loaded = new LoadedSnapshot(store.Snapshots(record.Id).FirstOrDefault() ?? record, analysis);
            Keep(loaded);
            return loaded;
        }
        finally
        {
            _analysisGate.Release();
            lock (_gate)
                if (_analysing.TryGetValue(record.Id, out var j) && j == job) _analysing.Remove(record.Id);
        }
    }

    /// <summary>The analysis of a snapshot: in memory, or reopened from its index (well under the time of analysing
    /// it again) when the index still matches the file. Null when neither: the caller starts an analysis.</summary>
    public LoadedSnapshot? Loaded(long id)
    {
        lock (_gate)
        {
            for (var n = _loaded.First; n is not null; n = n.Next)
            {
                if (n.Value.Record.Id != id) continue;
                _loaded.Remove(n);
                _loaded.AddFirst(n);
                return n.Value;
            }
        }
        if (Find(id) is not { State: SnapshotState.Ready } record) return null;
        // One reopening at a time, as analyses: two multi-GB indexes loaded at once would need twice the memory.
        _analysisGate.Wait();
        try
        {
            lock (_gate)
                foreach (var kept in _loaded)
                    if (kept.Record.Id == id) return kept;
            if (SnapshotOpener.TryReopen(record.File) is not { } analysis) return null;
            var loaded = new LoadedSnapshot(record, analysis);
            Keep(loaded);
            return loaded;
        }
        finally
        {
            _analysisGate.Release();
        }
    }

    private void Keep(LoadedSnapshot loaded)
    {
        lock (_gate)
        {
            for (var n = _loaded.First; n is not null; n = n.Next)
                if (n.Value.Record.Id == loaded.Record.Id) { _loaded.Remove(n); break; }
            _loaded.AddFirst(loaded);
            while (_loaded.Count > Math.Max(1, capacity)) _loaded.RemoveLast();
        }
    }

    /// <summary>Forgets a snapshot: its analysis, its file and its record.</summary>
    public bool Delete(long id)
    {
        var record = Find(id);
        if (record is null) return false;
        AnalysisJob(id)?.Cancellation.Cancel();
        lock (_gate)
            for (var n = _loaded.First; n is not null; n = n.Next)
                if (n.Value.Record.Id == id) { _loaded.Remove(n); break; }
        TryDelete(record.File);
        TryDelete(AnalysisIndex.PathFor(record.File));
        return store.DeleteSnapshot(id);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* best effort: the record goes either way */ }
    }
}
