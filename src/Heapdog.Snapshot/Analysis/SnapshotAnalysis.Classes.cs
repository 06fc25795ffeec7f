using System.Text;

namespace Heapdog.Snapshot.Analysis;

// Class names and keys as DevTools computes them (HeapSnapshot.calculateObjectNames, inferInterfaceDefinitions,
// applyInterfaceDefinitions, HeapSnapshotNode.classKeyInternal), then the Summary aggregates
// (buildAggregates, calculateClassesRetainedSize).
public sealed partial class SnapshotAnalysis
{
    // DevTools' constants for naming plain objects by shape.
    private const int MinInterfacePropertyCount = 1;
    private const int MaxInterfaceNameLength = 120;
    private const int MinObjectCountPerInterface = 2;
    private const int MinObjectProportionPerInterface = 1000;

    /// <summary>Class of every node (<see cref="ClassOf"/>, <see cref="Classes"/>); the aggregates come later.</summary>
    private void AssignClassIds()
    {
        var s = Snapshot;
        int n = s.NodeCount;
        var classNames = ComputeClassNameIndexes();
        ApplyInterfaceNames(classNames);

        // Class ids: by class-name string for most nodes, by (location, name) for objects with a constructor location.
        var classOf = new int[n];
        // Class id by class-name string: a flat table over the snapshot's strings, a dictionary for added ones.
        var byName = new int[s.Strings.Count];
        Array.Fill(byName, -1);
        var byNameExtra = new Dictionary<int, int>();
        var byLocation = new Dictionary<(SourceLocation, int), int>();
        var strings = s.Strings;
        var locationOrdinals = s.Locations.Ordinals;
        int cursor = 0;
        int objectType = _types.Object;
        for (int v = 0; v < n; v++)
        {
            int nameIndex = classNames[v];
            // Locations are sorted by ordinal: advance a cursor instead of searching per node.
            while (cursor < locationOrdinals.Length && locationOrdinals[cursor] < v) cursor++;
            bool located = cursor < locationOrdinals.Length && locationOrdinals[cursor] == v;
            int id;
            if (located && s.NodeTypes[v] == objectType)
            {
                var location = s.Locations.At(cursor);
                if (!byLocation.TryGetValue((location, nameIndex), out id))
                {
                    id = _classes.Count;
                    _classes.Add(new HeapClass(id, strings[nameIndex], location));
                    byLocation[(location, nameIndex)] = id;
                }
            }
            else if (unchecked((uint)nameIndex) < (uint)byName.Length ? (id = byName[nameIndex]) < 0 : !byNameExtra.TryGetValue(nameIndex, out id))
            {
                id = _classes.Count;
                _classes.Add(new HeapClass(id, strings[nameIndex], null));
                if (unchecked((uint)nameIndex) < (uint)byName.Length) byName[nameIndex] = id;
                else byNameExtra[nameIndex] = id;
            }
            classOf[v] = id;
        }
        ClassOf = classOf;
    }

    /// <summary>calculateObjectNames: the class name string of every node.</summary>
    private int[] ComputeClassNameIndexes()
    {
        var s = Snapshot;
        var strings = s.Strings;
        var added = new Dictionary<string, int>();
        int Intern(string name)
        {
            if (!added.TryGetValue(name, out int index)) added[name] = index = strings.Add(name);
            return index;
        }
        int hidden = Intern("(system)"), code = Intern("(compiled code)"), function = Intern("Function"), regexp = Intern("RegExp");
        var byType = new int[256];
        for (int t = 0; t < byType.Length; t++) byType[t] = -1;
        var result = new int[s.NodeCount];
        var names = s.NodeNames;
        var types = s.NodeTypes;
        for (int v = 0; v < result.Length; v++)
        {
            int t = types[v];
            if (t == _types.Object || t == _types.Native)
            {
                int name = names[v];
                var bytes = strings.Utf8(name);
                if (bytes.Length > 0 && bytes[0] == '<')
                {
                    string text = strings[name];
                    int space = text.IndexOf(' ');
                    result[v] = Intern(space >= 0 ? text[..space] + ">" : text);
                }
                else if (bytes.StartsWith("Detached <"u8))
                {
                    string text = strings[name];
                    int space = text.IndexOf(' ', 10);
                    result[v] = Intern(space >= 0 ? text[..space] + ">" : text);
                }
                else result[v] = name;
            }
            else if (t == _types.Hidden) result[v] = hidden;
            else if (t == _types.Code) result[v] = code;
            else if (t == _types.Closure) result[v] = function;
            else if (t == _types.RegExp) result[v] = regexp;
            else result[v] = byType[t] >= 0 ? byType[t] : byType[t] = Intern("(" + s.Meta.NodeTypeName(t) + ")");
        }
        return result;
    }

    private bool IsPlainObject(int v, int objectName) => Snapshot.NodeTypes[v] == _types.Object && Snapshot.NodeNames[v] == objectName;

    /// <summary>
    /// inferInterfaceDefinitions + applyInterfaceDefinitions: plain <c>Object</c>s are renamed after the most common
    /// property sets (<c>{a, b, c}</c>) that at least 2 objects, and at least 1 in 1,000 plain objects, share.
    /// </summary>
    private void ApplyInterfaceNames(int[] classNames)
    {
        var s = Snapshot;
        var strings = s.Strings;
        int objectName = -1;
        for (int i = 0; i < strings.Count && objectName < 0; i++)
            if (strings.EqualsAscii(i, "Object"u8)) objectName = i;
        if (objectName < 0) return;
        int proto = -1;
        for (int i = 0; i < strings.Count && proto < 0; i++)
            if (strings.EqualsAscii(i, "__proto__"u8)) proto = i;

        // Property names are decoded once each, not once per object.
        var decoded = new string?[strings.Count];
        var formattedNames = new string?[strings.Count];
        string Decoded(int nameIndex) => decoded[nameIndex] ??= strings[nameIndex];
        string Formatted(int nameIndex) => formattedNames[nameIndex] ??= FormatPropertyName(Decoded(nameIndex));

        // Objects of one hidden class share their property list, so the work below is done once per distinct
        // list ("shape") rather than once per object.
        var edgeTypes = s.EdgeTypes;
        var edgeNames = s.EdgeNames;
        var firstEdge = s.FirstEdge;
        int propertyType = _types.EdgeProperty;
        var shapeIds = new Dictionary<PropertyList, int>();
        var shapes = new List<(int[] Properties, int Count)>();
        var objects = new List<(int Node, int Shape)>();
        var buffer = new List<int>();
        for (int v = 0; v < s.NodeCount; v++)
        {
            if (!IsPlainObject(v, objectName)) continue;
            buffer.Clear();
            for (int e = firstEdge[v]; e < firstEdge[v + 1]; e++)
                if (edgeTypes[e] == propertyType) buffer.Add(edgeNames[e]);
            var key = new PropertyList(buffer);
            if (!shapeIds.TryGetValue(key, out int shape))
            {
                shape = shapes.Count;
                var properties = buffer.ToArray();
                shapeIds[new PropertyList(properties)] = shape;
                shapes.Add((properties, 0));
            }
            shapes[shape] = (shapes[shape].Properties, shapes[shape].Count + 1);
            objects.Add((v, shape));
        }

        // inferInterfaceDefinitions: count property lists (edge order, without __proto__, cut when the name grows too long).
        var candidates = new Dictionary<string, (string Name, int[] Properties, int Count, int Order)>();
        var props = new List<int>();
        var name = new StringBuilder();
        foreach (var (properties, count) in shapes)
        {
            props.Clear();
            name.Clear().Append('{');
            foreach (int property in properties)
            {
                if (property == proto) continue;
                string formatted = Formatted(property);
                if (name.Length > MinInterfacePropertyCount && name.Length + formatted.Length > MaxInterfaceNameLength) break;
                if (name.Length != 1) name.Append(", ");
                name.Append(formatted);
                props.Add(property);
            }
            if (props.Count == 0) continue;
            name.Append('}');
            string key = name.ToString();
            if (candidates.TryGetValue(key, out var candidate)) candidates[key] = candidate with { Count = candidate.Count + count };
            else candidates[key] = (key, props.ToArray(), count, candidates.Count);
        }
        double minCount = Math.Max(MinObjectCountPerInterface, objects.Count / (double)MinObjectProportionPerInterface);
        var definitions = candidates.Values.OrderByDescending(c => c.Count).ThenBy(c => c.Order)
            .TakeWhile(c => c.Count >= minCount).ToList();
        if (definitions.Count == 0) return;

        // applyInterfaceDefinitions: a tree of sorted property names; each object takes the definition with the most
        // properties that its own (sorted) properties contain, earlier definitions winning ties.
        var root = new PropertyTreeNode();
        for (int d = 0; d < definitions.Count; d++)
        {
            var sorted = definitions[d].Properties.Select(Decoded).OrderBy(p => p, StringComparer.Ordinal).ToArray();
            var node = root;
            foreach (var property in sorted)
            {
                if (!node.Next.TryGetValue(property, out var next))
                {
                    next = new PropertyTreeNode();
                    node.Next[property] = next;
                    if (node.GreatestNext is null || string.CompareOrdinal(node.GreatestNext, property) < 0) node.GreatestNext = property;
                }
                node = next;
            }
            node.Match ??= (definitions[d].Name, sorted.Length, d);
        }
        var interfaceIndex = new Dictionary<string, int>();
        var shapeClass = new int[shapes.Count];
        var objectProps = new List<string>();
        var states = new List<PropertyTreeNode>();
        var snapshotStates = new List<PropertyTreeNode>();
        for (int shape = 0; shape < shapes.Count; shape++)
        {
            objectProps.Clear();
            foreach (int property in shapes[shape].Properties) objectProps.Add(Decoded(property));
            objectProps.Sort(StringComparer.Ordinal);
            states.Clear();
            states.Add(root);
            (string Name, int Count, int Index)? match = Better(null, root.Match);
            foreach (var property in objectProps)
            {
                snapshotStates.Clear();
                snapshotStates.AddRange(states);
                foreach (var state in snapshotStates)
                {
                    if (state.GreatestNext is null || string.CompareOrdinal(property, state.GreatestNext) >= 0) states.Remove(state);
                    if (state.Next.TryGetValue(property, out var next))
                    {
                        if (!states.Contains(next)) states.Add(next);
                        match = Better(match, next.Match);
                    }
                }
            }
            shapeClass[shape] = -1;
            if (match is null) continue;
            if (!interfaceIndex.TryGetValue(match.Value.Name, out int index))
                interfaceIndex[match.Value.Name] = index = strings.Add(match.Value.Name);
            shapeClass[shape] = index;
        }
        foreach (var (node, shape) in objects)
            if (shapeClass[shape] >= 0) classNames[node] = shapeClass[shape];
    }

    /// <summary>A list of property-name string indexes, compared by content (a dictionary key for shapes).</summary>
    private readonly struct PropertyList(IReadOnlyList<int> items) : IEquatable<PropertyList>
    {
        private readonly IReadOnlyList<int> _items = items;

        public bool Equals(PropertyList other)
        {
            if (_items.Count != other._items.Count) return false;
            for (int i = 0; i < _items.Count; i++) if (_items[i] != other._items[i]) return false;
            return true;
        }

        public override bool Equals(object? obj) => obj is PropertyList other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            for (int i = 0; i < _items.Count; i++) hash.Add(_items[i]);
            return hash.ToHashCode();
        }
    }

    /// <summary>selectBetterMatch: more properties wins, then the earlier definition. Null stands for plain "Object".</summary>
    private static (string Name, int Count, int Index)? Better((string Name, int Count, int Index)? a, (string Name, int Count, int Index)? b)
    {
        if (b is null) return a;
        if (a is null) return b;
        if (b.Value.Count > a.Value.Count) return b;
        if (a.Value.Count > b.Value.Count) return a;
        return a.Value.Index <= b.Value.Index ? a : b;
    }

    private sealed class PropertyTreeNode
    {
        public Dictionary<string, PropertyTreeNode> Next { get; } = new(StringComparer.Ordinal);
        public string? GreatestNext { get; set; }
        public (string Name, int Count, int Index)? Match { get; set; }
    }

    /// <summary>DevTools' formatPropertyName: names with , ' " { or } are shown JSON-quoted.</summary>
    internal static string FormatPropertyName(string name)
    {
        if (name.AsSpan().IndexOfAny(",'\"{}") < 0) return name;
        // A JSON string literal written directly (not by the reflection-based serializer), so trimming keeps it exact.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(name.Length + 8);
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer, JsonQuoting))
            writer.WriteStringValue(name);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly System.Text.Json.JsonWriterOptions JsonQuoting = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Summary aggregates: count, shallow size and distance over non-zero-size objects; retained size of topmost instances.</summary>
    private void ComputeClassAggregates()
    {
        var s = Snapshot;
        var sizes = s.SelfSizes;
        var classOf = ClassOf;
        var distances = Distances;
        var classes = _classes;
        for (int v = 0; v < s.NodeCount; v++)
        {
            uint size = sizes[v];
            if (size == 0) continue;
            var c = classes[classOf[v]];
            c.Count++;
            c.ShallowSize += size;
            if (distances[v] < c.Distance) c.Distance = distances[v];
        }

        // Walk the dominator tree keeping, per class, how many counted instances are on the current path:
        // an object counts only if no dominator of it of the same class was counted.
        var active = new int[classes.Count];
        var stack = new int[Math.Max(16, s.NodeCount)];
        int top = 0;
        stack[top++] = RootOrdinal;
        var retained = RetainedSizes;
        var first = FirstDominated;
        var children = DominatedNodes;
        while (top > 0)
        {
            int entry = stack[--top];
            if (entry < 0)
            {
                // Leaving a counted node's subtree.
                active[classOf[~entry]]--;
                continue;
            }
            int v = entry;
            int cls = classOf[v];
            bool hasChildren = first[v] != first[v + 1];
            if (active[cls] == 0 && sizes[v] != 0)
            {
                classes[cls].RetainedSize += retained[v];
                if (hasChildren)
                {
                    active[cls]++;
                    stack[top++] = ~v;
                }
            }
            for (int i = first[v]; i < first[v + 1]; i++)
            {
                if (top == stack.Length) Array.Resize(ref stack, stack.Length * 2);
                stack[top++] = children[i];
            }
        }
    }
}
