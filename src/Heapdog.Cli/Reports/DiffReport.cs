using System.Text.Json;
using Heapdog.Cli.CommandLine;
using Heapdog.Cli.Output;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Cli.Reports;

/// <summary>The result of <c>heapdog diff</c>, as aligned text or as the JSON documented in docs/diff.md.</summary>
public sealed class DiffReport
{
    private readonly SnapshotDigest _base, _target;
    private readonly List<ClassDiff> _rows;
    private readonly int _matching;
    private readonly DiffOptions _options;

    public DiffReport(SnapshotDigest @base, SnapshotDigest target, List<ClassDiff> all, DiffOptions options)
    {
        _base = @base;
        _target = target;
        _options = options;
        var matching = all.Where(r => options.Filter is null || r.Name.Contains(options.Filter, StringComparison.OrdinalIgnoreCase)).ToList();
        _matching = matching.Count;
        IOrderedEnumerable<ClassDiff> sorted = options.Sort switch
        {
            DiffSort.CountDelta => matching.OrderByDescending(r => Math.Abs(r.CountDelta)),
            DiffSort.New => matching.OrderByDescending(r => r.NewCount),
            DiffSort.Deleted => matching.OrderByDescending(r => r.DeletedCount),
            DiffSort.Alloc => matching.OrderByDescending(r => r.AllocSize),
            DiffSort.Freed => matching.OrderByDescending(r => r.FreedSize),
            DiffSort.Retained => matching.OrderByDescending(r => Math.Abs(r.RetainedSizeDelta)),
            DiffSort.Name => matching.OrderBy(r => r.Name, StringComparer.Ordinal),
            _ => matching.OrderByDescending(r => Math.Abs(r.SizeDelta)),
        };
        var ordered = sorted.ThenBy(r => r.Key, StringComparer.Ordinal);
        _rows = (options.Top > 0 ? ordered.Take(options.Top) : ordered).ToList();
    }

    public void WriteText(TextWriter output)
    {
        output.WriteLine($"Comparison of {_target.Source}");
        output.WriteLine($"  against {_base.Source}");
        output.WriteLine($"  total heap {Format.Size(_base.TotalSize)} → {Format.Size(_target.TotalSize)} ({Format.SignedSize(_target.TotalSize - _base.TotalSize)})");
        output.WriteLine();
        string shown = _rows.Count < _matching ? $"top {_rows.Count} of {Format.Count(_matching)}" : Format.Count(_matching);
        output.WriteLine($"Classes that changed ({shown}{(_options.Filter is null ? "" : $" matching '{_options.Filter}'")}, by {_options.Sort.ToString().ToLowerInvariant()})");
        var table = new TextTable(("Class", false), ("# New", true), ("# Deleted", true), ("# Delta", true), ("Alloc. Size", true),
            ("Freed Size", true), ("Size Delta", true), ("Retained Delta", true));
        foreach (var r in _rows)
            table.AddRow(Text.Truncate(r.Name, 60), Format.Count(r.NewCount), Format.Count(r.DeletedCount), Format.SignedCount(r.CountDelta),
                Format.Size(r.AllocSize), Format.Size(r.FreedSize), Format.SignedSize(r.SizeDelta), Format.SignedSize(r.RetainedSizeDelta));
        table.Write(output);
    }

    public void WriteJson(TextWriter output) => Json.Write(output, w =>
    {
        w.WriteStartObject();
        w.WriteNumber("schemaVersion", 1);
        w.WriteString("base", _base.Source);
        w.WriteString("target", _target.Source);
        w.WriteNumber("baseTotalSize", _base.TotalSize);
        w.WriteNumber("targetTotalSize", _target.TotalSize);
        w.WriteNumber("classCount", _matching);
        w.WriteStartArray("classes");
        foreach (var r in _rows)
        {
            w.WriteStartObject();
            w.WriteString("classKey", r.Key);
            w.WriteString("className", r.Name);
            w.WriteNumber("newCount", r.NewCount);
            w.WriteNumber("deletedCount", r.DeletedCount);
            w.WriteNumber("countDelta", r.CountDelta);
            w.WriteNumber("allocSize", r.AllocSize);
            w.WriteNumber("freedSize", r.FreedSize);
            w.WriteNumber("sizeDelta", r.SizeDelta);
            w.WriteNumber("retainedSizeDelta", r.RetainedSizeDelta);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    });
}
