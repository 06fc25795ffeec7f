using System.Text.Json.Serialization;
using Heapdog.Leaks;
using Heapdog.Workflows.Snapshots;
using Heapdog.Workflows.SourceMaps;
using Heapdog.Workflows.Sources;

namespace Heapdog.Workflows.Reports.Leaks;

/// <summary><c>heapdog leaks --json</c>, <c>heapdog hunt --json</c> and the dashboard's leak reports (docs/leaks.md).</summary>
public sealed record LeaksResult(int SchemaVersion, IReadOnlyList<LeaksResult.LeakSnapshot> Snapshots, long NewObjects, long NewBytes,
    int SuspectCount, IReadOnlyList<LeaksResult.LeakSuspect> Suspects, long ElapsedMs, string Matching)
{
    /// <summary>Longer retainer paths are shown as their first and last links.</summary>
    public const int PathHead = 8, PathTail = 12;

    public sealed record LeakSnapshot(string File, int NodeCount, long TotalSize);

    public sealed record LeakSuspect(string Severity, string Kind, string Title, string Explanation, LeakObject? AccumulationPoint,
        string PropertyPath, LeakGrowth Growth, long NewObjects, long NewBytes, IReadOnlyList<LeakClass> Classes, LeakLocation? Location,
        int MergedPoints, int RetainerPathLength, IReadOnlyList<LeakPathLink> RetainerPath, IReadOnlyList<LeakClass> Holds)
    {
        /// <summary>Where the new objects were allocated, most bytes first; null when the last snapshot was taken
        /// without allocation tracking (<c>hunt --allocations</c>).</summary>
        public IReadOnlyList<LeakAllocationStack>? AllocatedAt { get; init; }

        /// <summary>The new objects here with no allocation stack (allocated before tracking began, or lost by V8 when a
        /// compacting GC moved them); null without allocation tracking.</summary>
        public long? UntracedObjects { get; init; }

        /// <summary>The statement that stores the new objects into the owner, found in the source of a function of the
        /// allocation stacks (or of the location); null when none was found (docs/leaks.md, "Stored at").</summary>
        public LeakStoredAt? StoredAt { get; init; }
    }

    public sealed record LeakObject(uint Id, string ClassName, string Name, string Type);

    public sealed record LeakGrowth(string CountUnit, long[]? Counts, long[] Bytes, long[]? Removed, long CountPerSnapshot, long BytesPerSnapshot);

    public sealed record LeakClass(string ClassName, long Count, long Bytes);

    /// <summary>The code behind the leaking objects: script, V8's script id, 1-based line and column of the start of
    /// what <see cref="Kind"/> names; with the <see cref="Original"/> source position when the script's source map gives
    /// one, or a note when its map could not be used.</summary>
    public sealed record LeakLocation(string Script, int ScriptId, int Line, int Column,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OriginalLocation? Original = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SourceMapNote = null)
    {
        /// <summary><c>constructor</c> (of the class <see cref="Name"/>), <c>function</c> (a closure's or one on the
        /// path), or <c>allocation</c> (the function that allocated them, from the allocation trace).</summary>
        public string Kind { get; init; } = "constructor";
        /// <summary>The class or function, when V8 named it.</summary>
        public string? Name { get; init; }
    }
    /// <summary>The statement that stores into <see cref="Owner"/>: 1-based line and column of the owner's name in it,
    /// the line's <see cref="Text"/>, in the function <see cref="Name"/>; with the original through the source map.</summary>
    public sealed record LeakStoredAt(string Script, int ScriptId, int Line, int Column, string Text, string Owner,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OriginalLocation? Original = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SourceMapNote = null)
    {
        /// <summary>Always <c>stored-at</c>: the statement itself, not a function's start.</summary>
        public string Kind { get; init; } = "stored-at";
        /// <summary>The function the statement is in, when V8 named it.</summary>
        public string? Name { get; init; }
    }

    /// <summary>An allocation stack, top frame (the allocating function) first, and the suspect's new objects and bytes allocated there.</summary>
    public sealed record LeakAllocationStack(IReadOnlyList<LeakFrame> Frames, long Count, long Bytes);

    /// <summary>A function of an allocation stack: 1-based line and column where the function starts (V8 records no
    /// finer position), 0 when unknown; the script is empty for V8's built-ins.</summary>
    public sealed record LeakFrame(string Function, string Script, int ScriptId, int Line, int Column);

    /// <summary>A link of the retainer path, or, in place of the links cut out of a long path, their count.</summary>
    public sealed record LeakPathLink(
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? OmittedLinks,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Edge,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EdgeType,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] LeakObject? Object);

    /// <summary>The report with its first <paramref name="top"/> suspects (0 = all); locations are mapped through
    /// <paramref name="maps"/> (default: source maps read from this machine's files).</summary>
    public static LeaksResult Build(LeakReport report, int top, TimeSpan elapsed, SourceMapResolver? maps = null)
    {
        maps ??= new SourceMapResolver();
        var shown = top > 0 ? report.Suspects.Take(top) : report.Suspects;
        return new LeaksResult(1, report.Snapshots.Select(s => new LeakSnapshot(s.Source, s.NodeCount, s.TotalSize)).ToList(),
            report.NewObjects, report.NewBytes, report.Suspects.Count, shown.Select(s => Suspect(s, maps)).ToList(), (long)elapsed.TotalMilliseconds,
            SnapshotComparison.Name(report.Matching));
    }

    /// <summary>The suspect's location through its script's source map (<see cref="SourceMapped.None"/> when it has none).</summary>
    public static SourceMapped MapLocation(Suspect s, SourceMapResolver maps) =>
        s.Location is { } l && l.Script.Length > 0 ? maps.Map(l.Script, l.Line, l.Column) : SourceMapped.None;

    /// <summary>The suspect's explanation naming the original source instead of the generated script.</summary>
    public static string Explain(Suspect s, SourceMapped mapped) =>
        s.Location is { } l && mapped.Original is { } o
            ? s.Explanation.Replace($"`{Explanations.Short(l)}`", $"`{Explanations.Short(new CodeLocation(o.Script, l.ScriptId, o.Line, o.Column))}`", StringComparison.Ordinal)
            : s.Explanation;

    public static string KindName(SuspectKind kind) => kind switch
    {
        SuspectKind.IdArray => "id-array",
        SuspectKind.ClosureChain => "closure-chain",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string SeverityName(Severity severity) => severity.ToString().ToLowerInvariant();

    private static LeakSuspect Suspect(Suspect s, SourceMapResolver maps)
    {
        var mapped = MapLocation(s, maps);
        return new(SeverityName(s.Severity), KindName(s.Kind), s.Title, Explain(s, mapped),
            s.AccumulationPoint is { } p ? Object(p) : null, s.PropertyPath,
            new LeakGrowth(s.CountUnit, s.Counts, s.Bytes, s.Removed, s.CountGrowthPerSnapshot, s.ByteGrowthPerSnapshot),
            s.NewObjects, s.NewBytes, s.Classes.Select(c => new LeakClass(c.ClassName, c.Count, c.Bytes)).ToList(),
            s.Location is { } l
                ? new LeakLocation(l.Script, l.ScriptId, l.Line, l.Column, mapped.Original, mapped.Note) { Kind = LocationKindName(l.Kind), Name = l.Name }
                : null,
            s.MergedPoints, s.RetainerPath.Count, Path(s.RetainerPath), s.Holds.Select(c => new LeakClass(c.ClassName, c.Count, c.Bytes)).ToList())
        {
            AllocatedAt = s.AllocatedAt?.Select(a => new LeakAllocationStack(
                a.Frames.Select(f => new LeakFrame(f.Function, f.Script, f.ScriptId, f.Line, f.Column)).ToList(), a.Count, a.Bytes)).ToList(),
            UntracedObjects = s.UntracedObjects,
            StoredAt = StoreLocator.Find(s, maps) is { } at
                ? new LeakStoredAt(at.Script, at.ScriptId, at.Site.Line, at.Site.Column, at.Site.Text, at.Owner, at.Mapped.Original, at.Mapped.Note)
                    { Name = string.IsNullOrEmpty(at.Function) ? null : at.Function }
                : null,
        };
    }

    public static string LocationKindName(LocationKind kind) => kind.ToString().ToLowerInvariant();

    private static List<LeakPathLink> Path(IReadOnlyList<PathLink> path)
    {
        var rows = new List<LeakPathLink>(Math.Min(path.Count, PathHead + PathTail + 1));
        for (int i = 0; i < path.Count; i++)
        {
            if (path.Count > PathHead + PathTail + 1 && i == PathHead)
            {
                rows.Add(new LeakPathLink(path.Count - PathHead - PathTail, null, null, null));
                i = path.Count - PathTail - 1;
                continue;
            }
            var link = path[i];
            rows.Add(new LeakPathLink(null, link.Edge, link.Edge is null ? null : link.EdgeType, Object(link.Object)));
        }
        return rows;
    }

    private static LeakObject Object(ObjectRef o) => new(o.Id, o.ClassName, o.Name.Length > 200 ? o.Name[..200] : o.Name, o.Type);
}
