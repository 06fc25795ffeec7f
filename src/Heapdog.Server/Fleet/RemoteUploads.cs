using System.Security.Cryptography;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>
/// Snapshots that agents upload for capture jobs (docs/fleet.md): in chunks of at most <see cref="MaxChunk"/>, each
/// appended at the offset the server holds and checked against its SHA-256 before it counts, the whole file checked
/// against its own at the end. The partial file stays on disk (owner-only) while the job runs, so an agent that lost its
/// connection, or was restarted, asks for the offset and resumes there; nothing is ever held in memory whole.
/// </summary>
public sealed class RemoteUploads(string directory)
{
    public const int MaxChunk = 8 << 20;

    private string PartialOf(long jobId) => Path.Combine(directory, $"remote-job{jobId}.heapsnapshot.partial");

    public UploadState State(long jobId) => new(jobId, File.Exists(PartialOf(jobId)) ? new FileInfo(PartialOf(jobId)).Length : 0, false);

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

    /// <summary>Checks the whole upload (<paramref name="bytes"/> long, SHA-256 <paramref name="sha256"/>) and moves it to
    /// <paramref name="path"/>. A file that does not match is deleted: the agent uploads it again from the start.</summary>
    public async Task CompleteAsync(long jobId, long bytes, string sha256, string path, CancellationToken ct)
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
        File.Move(partial, path);
    }

    public void Discard(long jobId)
    {
        try { File.Delete(PartialOf(jobId)); }
        catch (IOException) { }
    }
}
