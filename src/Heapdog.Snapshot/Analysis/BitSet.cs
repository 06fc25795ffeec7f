using System.Runtime.CompilerServices;

namespace Heapdog.Snapshot.Analysis;

/// <summary>A fixed-size bit vector: 1 bit per item.</summary>
internal sealed class BitSet
{
    private readonly ulong[] _words;

    public BitSet(int length) => _words = new ulong[WordCount(length)];

    /// <summary>Wraps words saved earlier (<see cref="Words"/>), without copying.</summary>
    public BitSet(ulong[] words) => _words = words;

    public static int WordCount(int length) => (length + 63) >> 6;

    /// <summary>The raw words, bit <c>i</c> at <c>words[i / 64] &gt;&gt; (i % 64)</c>, for saving.</summary>
    public ulong[] Words => _words;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Get(int index) => (_words[index >> 6] & (1UL << index)) != 0;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Set(int index) => _words[index >> 6] |= 1UL << index;

    /// <summary>Sets a bit in a word that another thread may be setting bits in too.</summary>
    public void SetAtomic(int index) => Interlocked.Or(ref _words[index >> 6], 1UL << index);
}
