using Heapdog.Cli.Output;
using Heapdog.Leaks;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Snapshots;
using Heapdog.Workflows.SourceMaps;
using Heapdog.Workflows.Sources;

namespace Heapdog.Cli.Rendering;

/// <summary><c>heapdog leaks</c> and <c>heapdog hunt</c> as a terminal report (the JSON is <see cref="LeaksResult"/>);
/// locations go through <paramref name="maps"/> (default: source maps read from this machine's files).</summary>
public sealed class LeaksText(LeakReport report, int top, TimeSpan elapsed, SourceMapResolver? maps = null)
{
    private readonly SourceMapResolver _maps = maps ?? new SourceMapResolver();

    private const int PathHead = LeaksResult.PathHead, PathTail = LeaksResult.PathTail;

    private bool ByPaths => report.Matching == SnapshotMatching.Paths;

    private IEnumerable<Suspect> Shown => top > 0 ? report.Suspects.Take(top) : report.Suspects;

    /// <summary>Writes the report; severities are coloured by <paramref name="colours"/> (none by default).</summary>
    public void Write(TextWriter output, Colours? colours = null)
    {
        colours ??= Colours.None;
        output.WriteLine($"Leak suspects from {report.Snapshots.Count} snapshots of one process (oldest first)");
        foreach (var s in report.Snapshots)
            output.WriteLine($"  {s.Source}  heap {Format.Size(s.TotalSize)}, {Format.Count(s.NodeCount)} nodes");
        if (ByPaths)
        {
            output.WriteLine($"  net growth of the suspects: {Format.Count(report.NewObjects)} entries, {Format.Size(report.NewBytes)}; analysed in {Format.Duration(elapsed)}");
            output.WriteLine($"  {SnapshotComparison.PathsNote}");
        }
        else output.WriteLine($"  new since the first snapshot and still alive: {Format.Count(report.NewObjects)} objects, {Format.Size(report.NewBytes)}; analysed in {Format.Duration(elapsed)}");
        output.WriteLine();
        if (report.Suspects.Count == 0)
        {
            output.WriteLine("No suspects: nothing grew from one snapshot to the next.");
            return;
        }
        int rank = 0;
        foreach (var s in Shown)
        {
            rank++;
            output.WriteLine($"{rank}. {colours.BySeverity(s.Severity, s.Severity.ToString().ToUpperInvariant())}  {LeaksResult.KindName(s.Kind)}  {s.Title}");
            var mapped = LeaksResult.MapLocation(s, _maps);
            output.WriteLine($"   {LeaksResult.Explain(s, mapped)}");
            if (s.Counts is { } counts) output.WriteLine($"   growth:       {string.Join(" → ", counts.Select(Format.Count))} {s.CountUnit}");
            output.WriteLine($"   bytes:        {string.Join(" → ", s.Bytes.Select(Format.Size))}{(s.Removed is { } r && r.Skip(1).Any(x => x > 0) ? $"   (removed between snapshots: {string.Join(", ", r.Skip(1).Select(Format.Count))})" : "")}");
            if (s.AccumulationPoint is { } point) output.WriteLine($"   accumulates:  {point}   ({s.PropertyPath})");
            else output.WriteLine($"   held via:     {s.PropertyPath}");
            if (StoreLocator.Find(s, _maps) is { } stored)
                output.WriteLine($"   stored at:    {stored.Mapped.Describe(stored.ToString())}   {stored.Site.Text}");
            foreach (var stack in s.AllocatedAt ?? [])
                output.WriteLine($"   allocated at: {stack.Describe()}   ({Format.Count(stack.Count)} new objects, {Format.Size(stack.Bytes)})");
            if (s.UntracedObjects is > 0 and var untraced)
                output.WriteLine($"   allocated at: no stack for {Format.Count(untraced)} new objects (allocated before tracking began, or moved by the GC after V8's tracker saw them: docs/hunt.md)");
            if (s.Location is { } l) output.WriteLine($"   code:         {mapped.Describe(l.ToString())}   ({l.Label})");
            if (mapped.Note is { } note) output.WriteLine($"   source map:   {note}");
            output.WriteLine($"   {(ByPaths ? "net growth: " : "new objects:")}  {Format.Count(s.NewObjects)} ({Format.Size(s.NewBytes)}): {string.Join(", ", s.Classes.Take(3).Select(c => $"{c.ClassName} ×{Format.Count(c.Count)}"))}{(s.MergedPoints > 0 ? $"; merged with {s.MergedPoints} similar accumulation points" : "")}");
            if (s.Holds.Count > 0) output.WriteLine($"   holds:        {string.Join(", ", s.Holds.Select(c => $"{c.ClassName} ×{Format.Count(c.Count)} ({Format.Size(c.Bytes)})"))}");
            output.WriteLine($"   retainer path ({s.RetainerPath.Count - 1} links):");
            WritePath(output, s.RetainerPath);
            output.WriteLine();
        }
        if (top > 0 && report.Suspects.Count > top) output.WriteLine($"({report.Suspects.Count - top} more; --top 0 shows all)");
    }

    private static void WritePath(TextWriter output, IReadOnlyList<PathLink> path)
    {
        for (int i = 0; i < path.Count; i++)
        {
            if (path.Count > PathHead + PathTail + 1 && i == PathHead)
            {
                output.WriteLine($"       … {Format.Count(path.Count - PathHead - PathTail)} more links …");
                i = path.Count - PathTail - 1;
                continue;
            }
            var link = path[i];
            output.WriteLine(link.Edge is null ? $"     {link.Object}" : $"     {EdgeText(link)} → {Text.Truncate(link.Object.ToString(), 70)}");
        }
    }

    private static string EdgeText(PathLink link) => link.EdgeType switch
    {
        "element" or "hidden" => $"[{link.Edge}]",
        "context" => $"(scope) {link.Edge}",
        "internal" => $"(internal) {link.Edge}",
        "shortcut" => $"(shortcut) {link.Edge}",
        _ => "." + link.Edge,
    };
}
