namespace Heapdog.Snapshot.Analysis;

/// <summary>
/// One row of DevTools' Summary: objects grouped by class name, and for <c>object</c> nodes also by the
/// constructor's source location, so two classes with the same name stay apart.
/// </summary>
public sealed class HeapClass
{
    internal HeapClass(int index, string name, SourceLocation? location)
    {
        Index = index;
        Name = name;
        Location = location;
        Key = location is { } l ? $"{l.ScriptId},{l.Line},{l.Column},{name}" : "," + name;
    }

    public int Index { get; }
    /// <summary>The class name as DevTools shows it (<c>Foo</c>, <c>{a, b}</c>, <c>(string)</c>, <c>(system)</c>…).</summary>
    public string Name { get; }
    /// <summary>DevTools' class key: <c>",Name"</c>, or <c>"script,line,column,Name"</c> when the class has a location. Stable across snapshots of one process.</summary>
    public string Key { get; }
    public SourceLocation? Location { get; }

    /// <summary>Objects of this class with a non-zero shallow size (DevTools leaves zero-size ones out).</summary>
    public long Count { get; internal set; }
    public long ShallowSize { get; internal set; }
    /// <summary>Sum of the retained sizes of the class's objects that no other object of the class dominates.</summary>
    public long RetainedSize { get; internal set; }
    /// <summary>The smallest distance among the class's objects.</summary>
    public int Distance { get; internal set; } = int.MaxValue;
}
