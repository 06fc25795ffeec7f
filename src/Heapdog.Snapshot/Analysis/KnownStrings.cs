namespace Heapdog.Snapshot.Analysis;

/// <summary>
/// The V8 names the kernels compare node and edge names with, found in one pass over the string table (by length
/// first, so most strings are never read) instead of a pass per name: at 100 M nodes the table holds ~28 M strings.
/// Each is the first string with that text, as a search from the start finds it, or -1 when there is none.
/// </summary>
internal sealed class KnownStrings
{
    private static readonly byte[][] Texts =
    [
        "system / ExternalStringData"u8.ToArray(),
        "system / NativeContext"u8.ToArray(),
        "sloppy_function_map"u8.ToArray(),
        "(map descriptors)"u8.ToArray(),
        "system / JSArrayBufferData"u8.ToArray(),
        "Array"u8.ToArray(),
        "elements"u8.ToArray(),
    ];

    private readonly int[] _indexes;

    private KnownStrings(int[] indexes) => _indexes = indexes;

    public int ExternalStringData => _indexes[0];
    public int NativeContext => _indexes[1];
    public int SloppyFunctionMap => _indexes[2];
    public int MapDescriptors => _indexes[3];
    public int JSArrayBufferData => _indexes[4];
    public int Array => _indexes[5];
    public int Elements => _indexes[6];

    public static KnownStrings Find(StringTable strings)
    {
        var indexes = new int[Texts.Length];
        System.Array.Fill(indexes, -1);
        ulong lengthMask = 0;
        foreach (var text in Texts) lengthMask |= 1UL << text.Length; // every text is shorter than 64 bytes
        var lengths = strings.Lengths;
        int missing = Texts.Length;
        for (int i = 0; i < lengths.Length && missing > 0; i++)
        {
            int length = lengths[i];
            if (length >= 64 || (lengthMask >> length & 1) == 0) continue;
            var bytes = strings.Utf8(i);
            for (int k = 0; k < Texts.Length; k++)
            {
                if (indexes[k] >= 0 || !bytes.SequenceEqual(Texts[k])) continue;
                indexes[k] = i;
                missing--;
            }
        }
        GC.KeepAlive(strings); // the spans may be over the table's mapped file
        return new KnownStrings(indexes);
    }
}
