namespace Heapdog.Snapshot;

/// <summary>A source position V8 recorded for a closure or an object's constructor (0-based line and column).</summary>
public readonly record struct SourceLocation(int ScriptId, int Line, int Column);

/// <summary>
/// The snapshot's <c>locations</c>, sorted by node ordinal for binary search: 16 bytes per location.
/// </summary>
public sealed class SourceLocations
{
    private readonly int[] _ordinals;
    private readonly SourceLocation[] _locations;

    private SourceLocations(int[] ordinals, SourceLocation[] locations)
    {
        _ordinals = ordinals;
        _locations = locations;
    }

    /// <summary>Arrays already in this class's order (as <see cref="Ordinals"/> and <see cref="Locations"/> gave them).</summary>
    internal static SourceLocations FromSorted(int[] ordinals, SourceLocation[] locations) => new(ordinals, locations);

    /// <summary>Locations in the order V8 wrote them, each ordinal below <paramref name="nodeCount"/>: sorted here.</summary>
    internal static SourceLocations SortedByOrdinal(int[] ordinals, SourceLocation[] locations, int nodeCount)
    {
        SortByOrdinal(ref ordinals, ref locations, nodeCount);
        return new(ordinals, locations);
    }

    public static SourceLocations Empty { get; } = new([], []);

    public int Count => _ordinals.Length;

    /// <summary>Node ordinals that have a location, ascending (for merge-walks in node order).</summary>
    internal ReadOnlySpan<int> Ordinals => _ordinals;

    internal ReadOnlySpan<SourceLocation> Locations => _locations;

    internal SourceLocation At(int index) => _locations[index];

    public bool TryGet(int ordinal, out SourceLocation location)
    {
        int i = Array.BinarySearch(_ordinals, ordinal);
        if (i < 0) { location = default; return false; }
        location = _locations[i];
        return true;
    }

    /// <summary>
    /// Sorts locations by node ordinal, a 16-bit digit per pass, stable (V8 writes them in an order of its own): a
    /// comparison sort of a real snapshot's hundreds of thousands took longer than reading them.
    /// </summary>
    private static void SortByOrdinal(ref int[] ordinals, ref SourceLocation[] locations, int nodeCount)
    {
        int n = ordinals.Length;
        if (IsSorted(ordinals)) return;
        int[] ordinalsOut = new int[n];
        var locationsOut = new SourceLocation[n];
        var counts = new int[(1 << 16) + 1];
        int passes = nodeCount - 1 > 0xFFFF ? 2 : 1;
        for (int pass = 0, shift = 0; pass < passes && (pass == 0 || !IsSorted(ordinals)); pass++, shift += 16)
        {
            Array.Clear(counts);
            foreach (int ordinal in ordinals) counts[((ordinal >> shift) & 0xFFFF) + 1]++;
            for (int d = 1; d < counts.Length; d++) counts[d] += counts[d - 1];
            for (int i = 0; i < n; i++)
            {
                int at = counts[(ordinals[i] >> shift) & 0xFFFF]++;
                ordinalsOut[at] = ordinals[i];
                locationsOut[at] = locations[i];
            }
            (ordinals, ordinalsOut) = (ordinalsOut, ordinals);
            (locations, locationsOut) = (locationsOut, locations);
        }
    }

    private static bool IsSorted(int[] values)
    {
        for (int i = 1; i < values.Length; i++)
            if (values[i - 1] > values[i]) return false;
        return true;
    }
}
