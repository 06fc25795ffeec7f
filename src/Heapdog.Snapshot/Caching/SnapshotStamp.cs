using System.Security.Cryptography;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// Identifies one version of a snapshot file cheaply: its length, last-write time and a SHA-256 of its first and last
/// 64 KiB (the header and the string table's tail), so an index is never taken for a file that was replaced or edited.
/// </summary>
internal readonly record struct SnapshotStamp(long Length, long LastWriteTicks, UInt128 HashHigh, UInt128 HashLow)
{
    private const int Edge = 64 << 10;

    public static SnapshotStamp Capture(string snapshotPath)
    {
        using var handle = File.OpenHandle(snapshotPath, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(handle);
        long ticks = File.GetLastWriteTimeUtc(handle).Ticks;
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[Edge];
        HashRange(handle, sha, buffer, 0, (int)Math.Min(Edge, length));
        long tail = Math.Max(0, length - Edge);
        HashRange(handle, sha, buffer, tail, (int)(length - tail));
        Span<byte> hash = stackalloc byte[32];
        sha.GetHashAndReset(hash);
        var stamp = new SnapshotStamp(length, ticks,
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash[..16]),
            System.Buffers.Binary.BinaryPrimitives.ReadUInt128LittleEndian(hash[16..]));
        // A file rewritten while it was being hashed must not be stamped with a mix of its versions.
        if (RandomAccess.GetLength(handle) != length || File.GetLastWriteTimeUtc(handle).Ticks != ticks)
            throw new IOException($"'{snapshotPath}' changed while it was being read");
        return stamp;
    }

    private static void HashRange(Microsoft.Win32.SafeHandles.SafeFileHandle handle, IncrementalHash sha, byte[] buffer, long offset, int count)
    {
        int done = 0;
        while (done < count)
        {
            int read = RandomAccess.Read(handle, buffer.AsSpan(done, count - done), offset + done);
            if (read <= 0) throw new IOException("the snapshot ended early while it was being hashed");
            done += read;
        }
        sha.AppendData(buffer, 0, count);
    }
}
