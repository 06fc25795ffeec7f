namespace Heapdog.Leaks;

/// <summary>A source position, 1-based as editors and DevTools show it; <see cref="Script"/> is empty when V8 did not name the script.</summary>
public sealed record CodeLocation(string Script, int ScriptId, int Line, int Column)
{
    /// <summary>What the position is the start of.</summary>
    public LocationKind Kind { get; init; }

    /// <summary>The class (constructor) or function there, when V8 named it.</summary>
    public string? Name { get; init; }

    /// <summary>What this is the start of, for people: <c>constructor of `Order`</c>, <c>function `handle`</c>.</summary>
    public string Label => Kind switch
    {
        LocationKind.Constructor => Name is null ? "constructor" : $"constructor of `{Name}`",
        LocationKind.Function => Name is null ? "anonymous function" : $"function `{Name}`",
        _ => Name is null ? "allocating function" : $"allocating function `{Name}`",
    };

    public override string ToString() => $"{(Script.Length > 0 ? Script : $"script {ScriptId}")}:{Line}:{Column}";
}
