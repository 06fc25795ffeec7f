namespace Heapdog.Snapshot.Analysis;

/// <summary>
/// Script ids (from <c>locations</c>) resolved to script names. A snapshot has no script-id table: V8 names a script
/// only through the graph, closure → <c>shared</c> (shared function info) → <c>script_or_debug_info</c> (or
/// <c>script</c>) → the script node, whose node name (and <c>name</c> edge) is the script's URL or path. Every
/// closure with a location ties its script id to such a node, so one pass over the closures builds the table.
/// </summary>
public sealed class ScriptNames
{
    private readonly Dictionary<int, string> _names;

    private ScriptNames(Dictionary<int, string> names) => _names = names;

    /// <summary>The script's name (a path or URL; <c>node:internal/…</c> for Node's own code), or null when unknown.</summary>
    public string? NameOf(int scriptId) => _names.GetValueOrDefault(scriptId);

    public int Count => _names.Count;

    /// <summary>The application's scripts (not <see cref="IsRuntimeScript"/>), sorted ordinally, each once.</summary>
    public string[] ApplicationScripts()
    {
        var names = _names.Values.Where(n => !IsRuntimeScript(n)).Distinct(StringComparer.Ordinal).ToArray();
        Array.Sort(names, StringComparer.Ordinal);
        return names;
    }

    /// <summary>True for Node's and V8's own scripts (<c>node:…</c>, unnamed), false for the application's.</summary>
    public static bool IsRuntimeScript(string? name) =>
        string.IsNullOrEmpty(name) || name.StartsWith("node:", StringComparison.Ordinal) || name.StartsWith("internal/", StringComparison.Ordinal);

    public static ScriptNames Build(HeapSnapshot snapshot)
    {
        var names = new Dictionary<int, string>();
        if (snapshot.Locations.Count == 0) return new ScriptNames(names);
        var strings = snapshot.Strings;
        int closure = snapshot.Meta.NodeType("closure");
        int internalEdge = snapshot.Meta.EdgeType("internal");
        int shared = -1, scriptOrDebug = -1, script = -1, name = -1;
        for (int i = 0; i < strings.Count; i++)
        {
            var b = strings.Utf8(i);
            if (b.Length > 20) continue;
            if (b.SequenceEqual("shared"u8)) shared = i;
            else if (b.SequenceEqual("script_or_debug_info"u8)) scriptOrDebug = i;
            else if (b.SequenceEqual("script"u8)) script = i;
            else if (b.SequenceEqual("name"u8)) name = i;
        }
        if (shared < 0 || (scriptOrDebug < 0 && script < 0)) return new ScriptNames(names);
        var firstEdge = snapshot.FirstEdge;
        var edgeTypes = snapshot.EdgeTypes;
        var edgeNames = snapshot.EdgeNames;
        var targets = snapshot.EdgeTargets;

        int Follow(int v, int edgeName)
        {
            if (edgeName < 0) return -1;
            for (int e = firstEdge[v]; e < firstEdge[v + 1]; e++)
                if (edgeTypes[e] == internalEdge && edgeNames[e] == edgeName) return targets[e];
            return -1;
        }

        for (int v = 0; v < snapshot.NodeCount; v++)
        {
            if (snapshot.NodeTypes[v] != closure || !snapshot.Locations.TryGet(v, out var location) || names.ContainsKey(location.ScriptId)) continue;
            int sfi = Follow(v, shared);
            if (sfi < 0) continue;
            int scriptNode = Follow(sfi, scriptOrDebug);
            if (scriptNode < 0) scriptNode = Follow(sfi, script);
            // With a debugger attached the slot holds a DebugInfo that points on to the script.
            if (scriptNode >= 0 && Follow(scriptNode, script) is var viaDebugInfo and >= 0) scriptNode = viaDebugInfo;
            if (scriptNode < 0) continue;
            int nameNode = Follow(scriptNode, name);
            string scriptName = nameNode >= 0 ? snapshot.NodeName(nameNode) : snapshot.NodeName(scriptNode);
            names[location.ScriptId] = scriptName;
        }
        return new ScriptNames(names);
    }
}
