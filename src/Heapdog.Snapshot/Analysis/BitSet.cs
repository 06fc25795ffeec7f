using System.Runtime.CompilerServices;

namespace Heapdog.Snapshot.Analysis;

/// <summary>A fixed-size bit vector: 1 bit per item.</summary>
internal sealed class BitSet(int length)
{
    private readonly ulong[] _words = new ulong[(length + 63) >> 6];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Get(int index) => (_words[index >> 6] & (1UL << index)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int index) => _words[index >> 6] |= 1UL << index;
}
