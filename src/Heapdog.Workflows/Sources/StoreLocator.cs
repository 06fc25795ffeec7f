using Heapdog.Leaks;
using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Workflows.Sources;

/// <summary>
/// Where a suspect's objects are stored: V8 records a function by where it starts, never the statement inside it, so
/// the statement is found in the source. The owner is the name the retainer path reaches the accumulation point by
/// (<c>inflight</c>, <c>this.cache</c>; for listeners, the emitter and the event); the functions searched are the
/// application frames of the allocation stacks, top stack first and top frame first (the allocating function, then
/// its callers: a helper may build the object its caller stores), then the suspect's location when it is a function.
/// The first store found (<see cref="StoreFinder"/>) is the answer; none, or a script that cannot be read or no
/// longer matches what V8 ran, leaves the function's location alone.
/// </summary>
public static class StoreLocator
{
    /// <summary>Links walked back from the accumulation point over unnamed ones (elements, a Map's table) to find the owner's name.</summary>
    private const int MaxUnnamedLinks = 3;

    public static StoredAt? Find(Suspect suspect, SourceMapResolver maps)
    {
        if (TargetOf(suspect) is not { } target) return null;
        var functions = Functions(suspect).Distinct().ToList();
        // First each function's own statements, then what the allocating functions define inside them (a callback
        // that stores what they made); a caller's nested functions are not searched, as they are not on the stack.
        foreach (bool nested in (bool[])[false, true])
            foreach (var (script, scriptId, line, column, function, allocating) in functions)
            {
                if ((nested && !allocating) || maps.Source(script) is not { } source) continue;
                if (StoreFinder.Find(source, line, column, function, target, nested) is { } site)
                    return new StoredAt(script, scriptId, function, site, target.Owner, maps.Map(script, site.Line, site.Column));
            }
        return null;
    }

    /// <summary>The functions to search, in order; <c>Allocating</c> for a stack's first application frame and the location.</summary>
    private static IEnumerable<(string Script, int ScriptId, int Line, int Column, string? Function, bool Allocating)> Functions(Suspect suspect)
    {
        foreach (var stack in suspect.AllocatedAt ?? [])
        {
            bool first = true;
            foreach (var f in stack.Frames)
                if (f.IsUserCode && f.Line > 0 && f.Column > 0)
                {
                    yield return (f.Script, f.ScriptId, f.Line, f.Column, f.Function, first);
                    first = false;
                }
        }
        if (suspect.Location is { Kind: LocationKind.Function or LocationKind.Allocation } l && l.Script.Length > 0)
            yield return (l.Script, l.ScriptId, l.Line, l.Column, l.Name, true);
    }

    /// <summary>What the store must store into, from the retainer path's last named links; null when the suspect has
    /// no accumulation point or the path names none.</summary>
    public static StoreTarget? TargetOf(Suspect suspect)
    {
        if (suspect.AccumulationPoint is null) return null;
        var path = suspect.RetainerPath;
        if (suspect.Kind == SuspectKind.Listeners)
        {
            // … emitter → _events → <event> → listeners: the store is `emitter.on('<event>', …)`.
            for (int i = path.Count - 2; i >= 2; i--)
                if (path[i].Edge == "_events" && path[i].EdgeType == "property")
                    return Named(path[i - 1]) is { } emitter && path[i + 1].Edge is { } eventName
                        ? new StoreTarget(emitter.Edge!, emitter.EdgeType == "property", eventName) : null;
            return null;
        }
        for (int i = path.Count - 1, unnamed = 0; i >= 1 && unnamed <= MaxUnnamedLinks; i--, unnamed++)
        {
            if (Named(path[i]) is { } link) return new StoreTarget(link.Edge!, link.EdgeType == "property");
            if (path[i].EdgeType is not ("element" or "hidden" or "internal")) return null;
        }
        return null;
    }

    /// <summary>The link when code names it: a property or a variable whose name is an identifier.</summary>
    private static PathLink? Named(PathLink link) =>
        link.EdgeType is "property" or "context" && link.Edge is { Length: > 0 } name && IsIdentifier(name) ? link : null;

    private static bool IsIdentifier(string name)
    {
        int start = name[0] == '#' ? 1 : 0;
        if (start >= name.Length || !(char.IsLetter(name[start]) || name[start] is '_' or '$')) return false;
        for (int i = start + 1; i < name.Length; i++)
            if (!(char.IsLetterOrDigit(name[i]) || name[i] is '_' or '$')) return false;
        return true;
    }
}
