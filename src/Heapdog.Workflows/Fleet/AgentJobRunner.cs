using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Heapdog.Inspector;
using Heapdog.Processes;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Sampling;
using Heapdog.Workflows.SourceMaps;
using Heapdog.Monitoring.Store;

namespace Heapdog.Workflows.Fleet;

/// <summary>
/// Runs the remote actions the server hands this agent (docs/fleet.md), one at a time, on this host, through the same
/// workflows and safety checks as <c>heapdog snapshot</c>, <c>hunt</c> and <c>sample</c>. The agent asks for work with one
/// long-held outbound request; it never listens. A capture's snapshot is uploaded in chunks from the file (never whole in
/// memory), resuming at the server's offset after a dropped connection, a restart of the server (which keeps its jobs
/// and partial uploads) or a restart of the agent: the upload in flight is kept in the buffer's state.
/// </summary>
public sealed class AgentJobRunner(AgentOptions options, SampleStore buffer, FleetClient client, Action<string> log)
{
    private const string UploadKey = "upload";
    private const int ChunkBytes = 4 << 20;
    private const int HuntTop = 10, SampleTop = 30;
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(25);

    private string WorkDirectory => PrivateDirectory.Create(Path.Combine(Path.GetDirectoryName(options.BufferPath)!, "agent-work")).FullName;

    public async Task RunAsync(CancellationToken ct)
    {
        await ResumeUploadAsync(ct);
        while (true)
        {
            AgentJob? job;
            try
            {
                job = await client.TakeJobAsync(PollWait, ct);
            }
            catch (Exception e) when (e is ServerUnreachableException || e is HeapdogException { Kind: ErrorKind.NotPermitted } && !ct.IsCancellationRequested)
            {
                // Unreachable, or this host unknown to the server until the first batch lands: ask again soon.
                await Task.Delay(options.Watch.Interval, ct);
                continue;
            }
            if (job is not null) await RunJobAsync(job, ct);
        }
    }

    private async Task RunJobAsync(AgentJob job, CancellationToken ct)
    {
        log($"job {job.Id}: {job.Kind} of pid {job.Pid}");
        var progress = new RemoteProgress(client, job.Id, ct);
        AgentJobUpdate end;
        try
        {
            CheckTarget(job);
            var report = job.Kind switch
            {
                "capture" => await CaptureAsync(job, progress, ct),
                "hunt" => await HuntAsync(job, progress, ct),
                "sample" => await SampleAsync(job, progress, ct),
                _ => throw new HeapdogException(ErrorKind.Unsupported, $"this agent does not run '{job.Kind}' jobs; upgrade it"),
            };
            if (report is null) return; // a capture ends with its upload
            end = new AgentJobUpdate("done", 1, Done: true, Report: report);
        }
        catch (HeapdogException e)
        {
            end = new AgentJobUpdate("failed", null, Done: true, Error: e.Message, ErrorKind: e.Kind.ToString());
        }
        catch (InspectorException e)
        {
            var translated = ProcessAttach.Translate(e);
            end = new AgentJobUpdate("failed", null, Done: true, Error: translated.Message, ErrorKind: translated.Kind.ToString());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            // The host's own trouble (a full disk, a file it may not read): the job fails with it, the agent goes on.
            end = new AgentJobUpdate("failed", null, Done: true, Error: $"{e.GetType().Name}: {e.Message}", ErrorKind: ErrorKind.OutputFailed.ToString());
        }
        log($"job {job.Id}: {end.Error ?? "done"}");
        await SendEndAsync(job.Id, end, ct);
    }

    /// <summary>The pid must still be the process the server means (same start time): a pid reused since is not acted on.</summary>
    private static void CheckTarget(AgentJob job)
    {
        if (ProcessReader.TryRead(job.Pid) is not { } info || Math.Abs(info.StartTime.ToUnixTimeMilliseconds() - job.StartTimeMs) > 2000)
            throw new HeapdogException(ErrorKind.ProcessUnavailable, $"process {job.Pid} has exited (or its pid is another process's now)");
    }

    private async Task<JsonElement?> HuntAsync(AgentJob job, RemoteProgress progress, CancellationToken ct)
    {
        string directory = Directory.CreateTempSubdirectory("heapdog-hunt-").FullName;
        try
        {
            var paths = await HuntSeries.CaptureFilesAsync(new AttachOptions { Pid = job.Pid }, job.Count, TimeSpan.FromMilliseconds(job.IntervalMs),
                directory, force: false, progress, ct, job.Allocations);
            var clock = Stopwatch.StartNew();
            var report = LeakFinder.FromFiles(paths, progress, ct);
            var result = LeaksResult.Build(report, HuntTop, clock.Elapsed, SourceMapResolver.ForProcess(job.Pid));
            return JsonDocument.Parse(ReportJson.Serialize(result, HeapdogJsonContext.Default.LeaksResult)).RootElement.Clone();
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<JsonElement?> SampleAsync(AgentJob job, RemoteProgress progress, CancellationToken ct)
    {
        string path = Path.Combine(WorkDirectory, $"job{job.Id.ToString(CultureInfo.InvariantCulture)}.heapprofile");
        try
        {
            await using var target = await ProcessAttach.AttachAsync(new AttachOptions { Pid = job.Pid }, progress, ct);
            var sampled = await AllocationSampling.RunAsync(target, TimeSpan.FromMilliseconds(job.DurationMs), HeapSampler.DefaultInterval, path,
                overwrite: true, progress, ct);
            var result = SampleResult.Build(job.Pid, sampled, SampleTop, path);
            return JsonDocument.Parse(ReportJson.Serialize(result, HeapdogJsonContext.Default.SampleResult)).RootElement.Clone();
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Takes the snapshot into the agent's own directory (owner-only), then uploads it; null: the upload's end
    /// ends the job on the server.</summary>
    private async Task<JsonElement?> CaptureAsync(AgentJob job, RemoteProgress progress, CancellationToken ct)
    {
        string path = Path.Combine(WorkDirectory, $"job{job.Id.ToString(CultureInfo.InvariantCulture)}.heapsnapshot");
        string sha;
        using (MemoryRelease.During())
        {
            await using (var target = await ProcessAttach.AttachAsync(new AttachOptions { Pid = job.Pid }, progress, ct))
            {
                await SnapshotCapture.CheckCostAsync(target, job.Pid, WorkDirectory, force: false, progress, ct);
                await SnapshotCapture.TakeAsync(target, path, collectGarbage: true, overwrite: true, "snapshot", progress, ct);
            }
            await using var file = File.OpenRead(path);
            sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        }
        MemoryRelease.Now();
        var upload = new PendingUpload(job.Id, path, new FileInfo(path).Length, sha);
        buffer.SetAgentState(UploadKey, upload.ToString());
        await UploadAsync(upload, ct);
        return null;
    }

    private async Task ResumeUploadAsync(CancellationToken ct)
    {
        if (buffer.AgentState(UploadKey) is not { Length: > 0 } saved) return;
        var upload = PendingUpload.Parse(saved);
        if (!File.Exists(upload.Path))
        {
            // The server waits for this snapshot (across its own restarts too): tell it, rather than leave the job hanging.
            string error = $"the snapshot taken for this job is gone from the agent's work directory ({upload.Path})";
            log($"job {upload.JobId}: {error}");
            await SendEndAsync(upload.JobId, new AgentJobUpdate("failed", null, Done: true, Error: error, ErrorKind: ErrorKind.OutputFailed.ToString()), ct);
            buffer.SetAgentState(UploadKey, "");
            return;
        }
        log($"job {upload.JobId}: resuming the upload of {upload.Path}");
        await UploadAsync(upload, ct);
    }

    /// <summary>Uploads from the offset the server holds, chunk by chunk, retrying while the server is away; then asks the
    /// server to check the whole file. A whole that does not match (the server then drops it) is uploaded again once.</summary>
    private async Task UploadAsync(PendingUpload upload, CancellationToken ct)
    {
        using var release = MemoryRelease.During();
        var clock = Stopwatch.StartNew();
        long sentNow = 0;
        int chunkBytes = (int)Math.Min(ChunkBytes, Math.Max(64 << 10, options.UploadBytesPerSecond ?? ChunkBytes));
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    await using var file = new FileStream(upload.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
                    long offset = await client.UploadOffsetAsync(upload.JobId, ct);
                    while (offset < upload.Bytes)
                    {
                        int n = (int)Math.Min(chunkBytes, upload.Bytes - offset);
                        offset = await client.UploadChunkAsync(upload.JobId, offset, upload.Bytes, file, n, ct);
                        if ((sentNow + n) / MemoryRelease.UploadBytes > sentNow / MemoryRelease.UploadBytes) MemoryRelease.Now();
                        sentNow += n;
                        if (options.UploadBytesPerSecond is long rate)
                        {
                            var due = TimeSpan.FromSeconds((double)sentNow / rate) - clock.Elapsed;
                            if (due > TimeSpan.Zero) await Task.Delay(due, ct);
                        }
                    }
                    await client.CompleteUploadAsync(upload.JobId, upload.Bytes, upload.Sha256, ct);
                    log($"job {upload.JobId}: snapshot uploaded ({upload.Bytes} bytes, SHA-256 {upload.Sha256})");
                    return;
                }
                catch (ServerUnreachableException e)
                {
                    log($"job {upload.JobId}: upload interrupted ({e.Message}); resuming");
                    await Task.Delay(options.Watch.Interval, ct);
                }
                catch (HeapdogException e) when (e.Kind == ErrorKind.BadRequest && attempt == 0)
                {
                    log($"job {upload.JobId}: {e.Message}; uploading again from the start");
                }
            }
        }
        catch (HeapdogException e) when (e.Kind is ErrorKind.NotFound)
        {
            log($"job {upload.JobId}: the server no longer waits for this upload ({e.Message}); dropped");
        }
        finally
        {
            if (!ct.IsCancellationRequested)
            {
                buffer.SetAgentState(UploadKey, "");
                File.Delete(upload.Path);
                MemoryRelease.Now();
            }
        }
    }

    private async Task SendEndAsync(long jobId, AgentJobUpdate end, CancellationToken ct)
    {
        for (int attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                await client.UpdateJobAsync(jobId, end, ct);
                return;
            }
            catch (ServerUnreachableException)
            {
                await Task.Delay(options.Watch.Interval, ct);
            }
            catch (HeapdogException e) when (e.Kind == ErrorKind.NotFound)
            {
                return; // the job was cancelled, or ended otherwise: nobody waits for it
            }
        }
    }

    /// <summary>A snapshot being uploaded, as kept in the buffer's state: "JOB BYTES SHA256 PATH".</summary>
    private sealed record PendingUpload(long JobId, string Path, long Bytes, string Sha256)
    {
        public override string ToString() => string.Join(' ', JobId.ToString(CultureInfo.InvariantCulture), Bytes.ToString(CultureInfo.InvariantCulture), Sha256, Path);

        public static PendingUpload Parse(string text)
        {
            var parts = text.Split(' ', 4);
            return new PendingUpload(long.Parse(parts[0], CultureInfo.InvariantCulture), parts[3], long.Parse(parts[1], CultureInfo.InvariantCulture), parts[2]);
        }
    }
}
