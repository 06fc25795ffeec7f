using Heapdog.Cli.Output;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Reports.Diff;

namespace Heapdog.Cli.Rendering;

/// <summary><c>heapdog diff</c> as aligned text.</summary>
public static class DiffText
{
    public static void Write(TextWriter output, DiffResult r, DiffQuery query)
    {
        output.WriteLine($"Comparison of {r.Target}");
        output.WriteLine($"  against {r.Base}");
        output.WriteLine($"  total heap {Format.Size(r.BaseTotalSize)} → {Format.Size(r.TargetTotalSize)} ({Format.SignedSize(r.TargetTotalSize - r.BaseTotalSize)})");
        output.WriteLine();
        string shown = r.Classes.Count < r.ClassCount ? $"top {r.Classes.Count} of {Format.Count(r.ClassCount)}" : Format.Count(r.ClassCount);
        output.WriteLine($"Classes that changed ({shown}{(query.Filter is null ? "" : $" matching '{query.Filter}'")}, by {query.Sort.ToString().ToLowerInvariant()})");
        var table = new TextTable(("Class", false), ("# New", true), ("# Deleted", true), ("# Delta", true), ("Alloc. Size", true),
            ("Freed Size", true), ("Size Delta", true), ("Retained Delta", true));
        foreach (var c in r.Classes)
            table.AddRow(Text.Truncate(c.ClassName, 60), Format.Count(c.NewCount), Format.Count(c.DeletedCount), Format.SignedCount(c.CountDelta),
                Format.Size(c.AllocSize), Format.Size(c.FreedSize), Format.SignedSize(c.SizeDelta), Format.SignedSize(c.RetainedSizeDelta));
        table.Write(output);
    }
}
