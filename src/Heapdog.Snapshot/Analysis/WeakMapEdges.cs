using System.Text.RegularExpressions;

namespace Heapdog.Snapshot.Analysis;

/// <summary>
/// Recognises V8's names for the two internal edges that hold a WeakMap value
/// (<c>"N / part of key (K @k) -> value (V @v) pair in WeakMap (table @t)"</c>), as DevTools does, so the
/// table→value edge can be left out of dominators and the pair counted once for distances.
/// </summary>
internal sealed partial class WeakMapEdges
{
    private readonly StringTable _strings;
    // Per string index: 0 not looked at yet, 1 not a WeakMap edge name, 2 a WeakMap edge name.
    private readonly byte[] _state;
    private readonly Dictionary<int, (uint TableId, int PairKey)> _matches = [];
    private readonly Dictionary<string, int> _pairKeys = [];

    public WeakMapEdges(StringTable strings)
    {
        _strings = strings;
        _state = new byte[strings.Count];
    }

    /// <summary>True when string <paramref name="nameIndex"/> names a WeakMap pair edge; gives its table id and a key for the pair.</summary>
    public bool TryParse(int nameIndex, out uint tableId, out int pairKey)
    {
        tableId = 0;
        pairKey = -1;
        if (unchecked((uint)nameIndex) >= (uint)_state.Length) return false;
        byte state = _state[nameIndex];
        if (state == 1) return false;
        if (state == 0)
        {
            state = Classify(nameIndex);
            _state[nameIndex] = state;
            if (state == 1) return false;
        }
        (tableId, pairKey) = _matches[nameIndex];
        return true;
    }

    private byte Classify(int nameIndex)
    {
        var bytes = _strings.Utf8(nameIndex);
        if (bytes.Length < 40 || bytes[0] < '0' || bytes[0] > '9' || bytes[^1] != ')' || bytes.IndexOf("pair in WeakMap"u8) < 0) return 1;
        var match = EphemeronName().Match(_strings[nameIndex]);
        if (!match.Success) return 1;
        string pair = match.Groups["duplicatedPart"].Value;
        if (!_pairKeys.TryGetValue(pair, out int key)) _pairKeys[pair] = key = _pairKeys.Count;
        _matches[nameIndex] = (uint.Parse(match.Groups["tableId"].ValueSpan, System.Globalization.CultureInfo.InvariantCulture), key);
        return 2;
    }

    // The same expression as DevTools' HeapSnapshot.tryParseWeakMapEdgeName.
    [GeneratedRegex(@"^\d+(?<duplicatedPart> / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(?<tableId>\d+)\))$", RegexOptions.CultureInvariant)]
    private static partial Regex EphemeronName();
}
