using System.Buffers;
using System.Net;
using System.Security.Cryptography;

namespace Heapdog.Workflows.Fleet;

/// <summary>
/// One chunk of an upload, sent straight from the file in small pieces: the agent's memory holds a 64 kB buffer, not
/// the chunk (a 4 MiB array would be a large-object allocation that stays committed). The chunk is read twice, first for
/// its SHA-256 (which goes in the request's URL, before the body), then to send it; both reads come from the page cache.
/// It can be sent again (the handler retries a request on a connection that turned out stale).
/// </summary>
internal sealed class FileRangeContent : HttpContent
{
    // Below the 85,000 bytes from which an array goes to the large object heap.
    private const int PieceBytes = 64 << 10;

    private readonly FileStream _file;
    private readonly long _offset;
    private readonly int _length;

    private FileRangeContent(FileStream file, long offset, int length, string sha256)
    {
        _file = file;
        _offset = offset;
        _length = length;
        Sha256 = sha256;
    }

    /// <summary>The chunk's SHA-256, lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>Bytes [<paramref name="offset"/>, +<paramref name="length"/>) of <paramref name="file"/>, hashed now;
    /// an <see cref="EndOfStreamException"/> when the file is shorter.</summary>
    public static async Task<FileRangeContent> ReadAsync(FileStream file, long offset, int length, CancellationToken ct)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await CopyAsync(file, offset, length, piece => { hash.AppendData(piece.Span); return ValueTask.CompletedTask; }, ct);
        return new FileRangeContent(file, offset, length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        CopyAsync(_file, _offset, _length, piece => stream.WriteAsync(piece, cancellationToken), cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    private static async Task CopyAsync(FileStream file, long offset, int length, Func<ReadOnlyMemory<byte>, ValueTask> take, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(PieceBytes);
        try
        {
            file.Position = offset;
            for (int left = length; left > 0;)
            {
                int n = await file.ReadAtLeastAsync(buffer.AsMemory(0, Math.Min(PieceBytes, left)), Math.Min(PieceBytes, left), throwOnEndOfStream: true, ct);
                await take(buffer.AsMemory(0, n));
                left -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
