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

    internal SourceLocations(int[] ordinals, SourceLocation[] locations)
        : this(ordinals, locations, sorted: false)
    {
    }

    private SourceLocations(int[] ordinals, SourceLocation[] locations, bool sorted)
    {
        if (!sorted) Array.Sort(ordinals, locations);
        _ordinals = ordinals;
        _locations = locations;
    }

    /// <summary>Arrays already in this class's order (as <see cref="Ordinals"/> and <see cref="Locations"/> gave them).</summary>
    internal static SourceLocations FromSorted(int[] ordinals, SourceLocation[] locations) => new(ordinals, locations, sorted: true);

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
}
