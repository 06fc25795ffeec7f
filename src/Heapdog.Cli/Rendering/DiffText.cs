using Heapdog.Cli.Output;
using Heapdog.Snapshot.Comparison;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Reports.Diff;
using Heapdog.Workflows.Snapshots;

namespace Heapdog.Cli.Rendering;

/// <summary><c>heapdog diff</c> as aligned text.</summary>
public static class DiffText
{
    public static void Write(TextWriter output, DiffResult r, DiffQuery query)
    {
        output.WriteLine($"Comparison of {r.Target}");
        output.WriteLine($"  against {r.Base}");
        output.WriteLine($"  total heap {Format.Size(r.BaseTotalSize)} → {Format.Size(r.TargetTotalSize)} ({Format.SignedSize(r.TargetTotalSize - r.BaseTotalSize)})");
        if (r.Matching == SnapshotComparison.Name(SnapshotMatching.Paths)) output.WriteLine($"  {SnapshotComparison.PathsNote}");
        output.WriteLine();
        string shown = r.Classes.Count < r.ClassCount ? $"top {r.Classes.Count} of {Format.Count(r.ClassCount)}" : Format.Count(r.ClassCount);
        output.WriteLine($"Classes that changed ({shown}{(query.Filter is null ? "" : $" matching '{query.Filter}'")}, by {query.Sort.ToString().ToLowerInvariant()})");
        var table = new TextTable(("Class", false), ("# New", true), ("# Deleted", true), ("# Delta", true), ("Alloc. Size", true),
            ("Freed Size", true), ("Size Delta", true), ("Retained Delta", true));
        foreach (var c in r.Classes)
            table.AddRow(Text.Truncate(c.ClassName, 60), Unknown(c.NewCount, Format.Count), Unknown(c.DeletedCount, Format.Count),
                Format.SignedCount(c.CountDelta), Unknown(c.AllocSize, Format.Size), Unknown(c.FreedSize, Format.Size), Format.SignedSize(c.SizeDelta), Format.SignedSize(c.RetainedSizeDelta));
        table.Write(output);
    }

    /// <summary>A per-object figure, or "?" where paths matching cannot know it.</summary>
    private static string Unknown(long? value, Func<long, string> format) => value is { } v ? format(v) : "?";
}
