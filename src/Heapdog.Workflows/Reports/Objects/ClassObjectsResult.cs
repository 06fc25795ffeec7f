using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Errors;

namespace Heapdog.Workflows.Reports.Objects;

/// <summary>The objects of the classes named <c>className</c>, largest retained size first: "show me the instances of
/// <c>Session</c>". <see cref="Count"/> counts them all; <see cref="Objects"/> holds the first <c>limit</c>.</summary>
public sealed record ClassObjectsResult(int SchemaVersion, string ClassName, IReadOnlyList<string> ClassKeys, int Count, long RetainedSize,
    IReadOnlyList<HeapObject> Objects)
{
    /// <summary>Classes whose name is exactly <paramref name="className"/>; when none, those whose name contains it
    /// (case-insensitive).</summary>
    public static ClassObjectsResult Build(SnapshotAnalysis a, string className, int limit)
    {
        if (limit < 1) throw new HeapdogException(ErrorKind.BadRequest, "limit must be 1 or more");
        var classes = a.Classes.Where(c => c.Count > 0 && c.Name == className).ToList();
        if (classes.Count == 0)
            classes = [.. a.Classes.Where(c => c.Count > 0 && c.Name.Contains(className, StringComparison.OrdinalIgnoreCase))];
        if (classes.Count == 0) throw new HeapdogException(ErrorKind.NotFound, $"no class named '{className}' in the snapshot");
        var wanted = new bool[a.Classes.Count];
        foreach (var c in classes) wanted[c.Index] = true;
        var members = new List<int>();
        for (int v = 0; v < a.ClassOf.Length; v++)
            if (wanted[a.ClassOf[v]] && a.ShallowSize(v) > 0) members.Add(v);
        members.Sort((x, y) => a.RetainedSizes[y].CompareTo(a.RetainedSizes[x]));
        return new ClassObjectsResult(1, className, [.. classes.Select(c => c.Key)], members.Count, classes.Sum(c => c.RetainedSize),
            [.. members.Take(limit).Select(v => HeapObject.Of(a, v))]);
    }
}
