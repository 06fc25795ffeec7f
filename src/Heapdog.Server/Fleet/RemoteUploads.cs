using System.Globalization;
using System.Security.Cryptography;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>
/// Snapshots that agents upload for capture jobs (docs/fleet.md): in chunks of at most <see cref="MaxChunk"/>, each
/// appended at the offset the server holds and checked against its SHA-256 before it counts, the whole file checked
/// against its own at the end. The partial file (<c>remote-job{id}.heapsnapshot.partial</c>, owner-only) stays on disk
/// while the job runs, across restarts of the server too, so an agent that lost its connection, or was restarted, asks
/// for the offset and resumes there; nothing is ever held in memory whole.
/// </summary>
public sealed class RemoteUploads(string directory)
{
    public const int MaxChunk = 8 << 20;

    private const string Prefix = "remote-job", Suffix = ".heapsnapshot.partial";

    public string PartialOf(long jobId) => Path.Combine(directory, Prefix + jobId.ToString(CultureInfo.InvariantCulture) + Suffix);

    public bool Exists(long jobId) => File.Exists(PartialOf(jobId));

    public UploadState State(long jobId) => new(jobId, Exists(jobId) ? new FileInfo(PartialOf(jobId)).Length : 0, false);

    /// <summary>Appends one chunk at <paramref name="offset"/>; returns the new offset.</summary>
    /// <exception cref="HeapdogException">Conflict (OutputExists) when the server holds another offset (the agent asks
    /// again); BadRequest for a chunk too large or whose SHA-256 is not <paramref name="sha256"/> (nothing of it kept).</exception>
    public async Task<long> AppendAsync(long jobId, long offset, string sha256, Stream body, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Options = FileOptions.Asynchronous };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new FileStream(PartialOf(jobId), options);
        if (file.Length != offset)
            throw new HeapdogException(ErrorKind.OutputExists, $"upload of job {jobId}: the server holds {file.Length} bytes, not {offset}; resume at {file.Length}");
        file.Position = offset;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        long size = 0;
        try
        {
            int n;
            while ((n = await body.ReadAsync(buffer, ct)) > 0)
            {
                size += n;
                if (size > MaxChunk) throw new HeapdogException(ErrorKind.BadRequest, $"upload chunk larger than {MaxChunk} bytes");
                hash.AppendData(buffer, 0, n);
                await file.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            string got = Convert.ToHexStringLower(hash.GetHashAndReset());
            if (!string.Equals(got, sha256, StringComparison.OrdinalIgnoreCase))
                throw new HeapdogException(ErrorKind.BadRequest, $"upload chunk at {offset} of job {jobId}: SHA-256 {got}, not {sha256}; send it again");
            file.Flush(flushToDisk: true);
            return file.Length;
        }
        catch
        {
            // A chunk cut short or garbled leaves nothing: the offset stays where the last good chunk ended.
            file.SetLength(offset);
            throw;
        }
    }

    /// <summary>Checks the whole upload: <paramref name="bytes"/> long, SHA-256 <paramref name="sha256"/>. A file that does
    /// not match is deleted: the agent uploads it again from the start.</summary>
    public async Task VerifyAsync(long jobId, long bytes, string sha256, CancellationToken ct)
    {
        string partial = PartialOf(jobId);
        if (!File.Exists(partial) || new FileInfo(partial).Length != bytes)
            throw new HeapdogException(ErrorKind.BadRequest, $"upload of job {jobId} holds {State(jobId).Offset} bytes, not {bytes}");
        string got;
        await using (var file = new FileStream(partial, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
            got = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, ct));
        if (!string.Equals(got, sha256, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(partial);
            throw new HeapdogException(ErrorKind.BadRequest, $"upload of job {jobId}: the file's SHA-256 is {got}, not {sha256}; upload it again");
        }
    }

    /// <summary>Moves a checked upload to its place in the library; false when there is no partial file to move.</summary>
    public bool Move(long jobId, string path)
    {
        if (!Exists(jobId)) return false;
        File.Move(PartialOf(jobId), path);
        return true;
    }

    /// <summary>Cuts a partial file back to <paramref name="offset"/>, the end of its last checked chunk: what a server
    /// killed mid-chunk wrote beyond it was never checked.</summary>
    public void Truncate(long jobId, long offset)
    {
        using var file = new FileStream(PartialOf(jobId), FileMode.Open, FileAccess.Write);
        if (file.Length > offset) file.SetLength(offset);
    }

    public void Discard(long jobId)
    {
        try { File.Delete(PartialOf(jobId)); }
        catch (IOException) { }
    }

    /// <summary>Deletes the partial files of every job but <paramref name="uploading"/>'s (jobs that ended, failed or
    /// were forgotten while the server was down); returns how many.</summary>
    public int Sweep(IReadOnlySet<long> uploading)
    {
        int removed = 0;
        foreach (string path in Directory.EnumerateFiles(directory, Prefix + "*" + Suffix))
        {
            string id = Path.GetFileName(path)[Prefix.Length..^Suffix.Length];
            if (long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out long jobId) && uploading.Contains(jobId)) continue;
            try
            {
                File.Delete(path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next start: it is no upload of a running job.
            }
        }
        return removed;
    }
}
