namespace Heapdog.Workflows.Snapshots;

/// <summary>
/// A read-only, forward-only view of a stream that counts the bytes read through it (for progress over stdin or a
/// compressed file, where the reader cannot see the source's length) and can look at the first bytes before they are
/// read (to recognise gzip on a pipe, which cannot seek back).
/// </summary>
internal sealed class CountingStream(Stream inner, Action<long> onRead) : Stream
{
    private byte[] _peeked = [];
    private int _peekedAt;

    public long BytesRead { get; private set; }

    /// <summary>Up to <paramref name="count"/> first bytes, without consuming them (fewer at the end of the input).</summary>
    public ReadOnlySpan<byte> Peek(int count)
    {
        if (_peeked.Length < count)
        {
            var buffer = new byte[count];
            _peeked.CopyTo(buffer, 0);
            int have = _peeked.Length;
            while (have < count && inner.Read(buffer, have, count - have) is int n and > 0) have += n;
            _peeked = buffer[..have];
        }
        return _peeked.AsSpan(0, Math.Min(count, _peeked.Length));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n;
        if (_peekedAt < _peeked.Length)
        {
            n = Math.Min(buffer.Length, _peeked.Length - _peekedAt);
            _peeked.AsSpan(_peekedAt, n).CopyTo(buffer);
            _peekedAt += n;
        }
        else
        {
            n = inner.Read(buffer);
        }
        BytesRead += n;
        onRead(BytesRead);
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
