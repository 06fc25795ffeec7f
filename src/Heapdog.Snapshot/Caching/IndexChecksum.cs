using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Heapdog.Snapshot.Caching;

/// <summary>
/// A Fletcher-style checksum over 64-bit words in four lanes (two vector additions per 32 bytes, so it runs at memory
/// speed): the plain sum catches changed bytes, the running sum of sums catches moved ones. It guards against torn
/// and damaged files, not against tampering. The result does not depend on how the input is split into calls.
/// </summary>
internal sealed class IndexChecksum
{
    private const int BlockSize = 32;

    private Vector256<ulong> _sum, _sumOfSums;
    private readonly byte[] _pending = new byte[BlockSize];
    private int _pendingCount;
    private long _length;

    public void Append(ReadOnlySpan<byte> data)
    {
        _length += data.Length;
        if (_pendingCount > 0)
        {
            int take = Math.Min(BlockSize - _pendingCount, data.Length);
            data[..take].CopyTo(_pending.AsSpan(_pendingCount));
            _pendingCount += take;
            data = data[take..];
            if (_pendingCount < BlockSize) return;
            AddBlocks(_pending);
            _pendingCount = 0;
        }
        int whole = data.Length & ~(BlockSize - 1);
        AddBlocks(data[..whole]);
        data[whole..].CopyTo(_pending);
        _pendingCount = data.Length - whole;
    }

    private void AddBlocks(ReadOnlySpan<byte> blocks)
    {
        var sum = _sum;
        var sumOfSums = _sumOfSums;
        foreach (var block in MemoryMarshal.Cast<byte, Vector256<ulong>>(blocks))
        {
            sum += block;
            sumOfSums += sum;
        }
        _sum = sum;
        _sumOfSums = sumOfSums;
    }

    public ulong Finish()
    {
        if (_pendingCount > 0)
        {
            _pending.AsSpan(_pendingCount).Clear();
            AddBlocks(_pending);
            _pendingCount = 0;
        }
        ulong h = (ulong)_length;
        for (int lane = 0; lane < Vector256<ulong>.Count; lane++)
            h = Mix(h ^ Mix(_sum[lane] + (ulong)lane)) ^ Mix(_sumOfSums[lane] ^ 0x9E3779B97F4A7C15UL);
        return Mix(h);
    }

    public static ulong Of(ReadOnlySpan<byte> data)
    {
        var checksum = new IndexChecksum();
        checksum.Append(data);
        return checksum.Finish();
    }

    // MurmurHash3's 64-bit finaliser: spreads every input bit over the whole word.
    private static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }
}
