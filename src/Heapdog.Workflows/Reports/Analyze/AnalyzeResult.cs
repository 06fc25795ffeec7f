using System.Text.Json.Serialization;
using Heapdog.Snapshot.Analysis;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Reports.Objects;

namespace Heapdog.Workflows.Reports.Analyze;

/// <summary><c>heapdog analyze --json</c> and <c>GET /api/snapshots/{id}/summary</c> (docs/analyze.md).</summary>
public sealed record AnalyzeResult(
    int SchemaVersion,
    string File,
    long FileSize,
    int NodeCount,
    int EdgeCount,
    long TotalSize,
    AnalyzeResult.HeapStatistics Statistics,
    int ClassCount,
    IReadOnlyList<AnalyzeResult.SummaryRow> Summary,
    IReadOnlyList<HeapObject> LargestObjects,
    AnalyzeResult.AnalyzeTimings Timings)
{
    /// <summary>DevTools' Statistics pie, in bytes.</summary>
    public sealed record HeapStatistics(long Total, long V8Heap, long Native, long Code, long Strings, long JsArrays, long TypedArrays, long System);

    /// <summary>One row of DevTools' Summary.</summary>
    public sealed record SummaryRow(string ClassName, string ClassKey, long Count, long ShallowSize, long RetainedSize, int Distance,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] ClassLocation? Location);

    /// <summary>A class's constructor in the source, as V8 numbers it (0-based line and column).</summary>
    public sealed record ClassLocation(int ScriptId, int Line, int Column);

    public sealed record AnalyzeTimings(long ReadMs, long AnalyzeMs);

    public static AnalyzeResult Build(SnapshotAnalysis analysis, AnalyzeQuery query, string file, TimeSpan readTime, TimeSpan analyzeTime)
    {
        if (query.Top < 0 || query.Objects < 0) throw new HeapdogException(ErrorKind.BadRequest, "top and objects must be 0 or more");
        var s = analysis.Snapshot;
        var st = analysis.Statistics;
        var matching = analysis.Classes.Where(c => c.Count > 0
            && (query.Filter is null || c.Name.Contains(query.Filter, StringComparison.OrdinalIgnoreCase))).ToList();
        IEnumerable<HeapClass> sorted = query.Sort switch
        {
            SummarySort.Shallow => matching.OrderByDescending(c => c.ShallowSize),
            SummarySort.Count => matching.OrderByDescending(c => c.Count),
            SummarySort.Distance => matching.OrderByDescending(c => c.Distance),
            SummarySort.Name => matching.OrderBy(c => c.Name, StringComparer.Ordinal),
            _ => matching.OrderByDescending(c => c.RetainedSize),
        };
        var summary = (query.Top > 0 ? sorted.Take(query.Top) : sorted)
            .Select(c => new SummaryRow(c.Name, c.Key, c.Count, c.ShallowSize, c.RetainedSize, c.Distance,
                c.Location is { } l ? new ClassLocation(l.ScriptId, l.Line, l.Column) : null))
            .ToList();
        var largest = FindLargest(analysis, query.Objects).Select(v => HeapObject.Of(analysis, v, fullName: true)).ToList();
        return new AnalyzeResult(1, file, s.FileSize, s.NodeCount, s.EdgeCount, analysis.TotalSize,
            new HeapStatistics(st.Total, st.V8Heap, st.Native, st.Code, st.Strings, st.JsArrays, st.TypedArrays, st.System),
            matching.Count, summary, largest, new AnalyzeTimings((long)readTime.TotalMilliseconds, (long)analyzeTime.TotalMilliseconds));
    }

    /// <summary>The objects with the largest retained sizes, leaving out the root and other synthetic nodes.</summary>
    private static List<int> FindLargest(SnapshotAnalysis analysis, int count)
    {
        var s = analysis.Snapshot;
        int synthetic = s.Meta.NodeType("synthetic");
        var retained = analysis.RetainedSizes;
        // A bounded min-heap keeps this one pass over the nodes.
        var heap = new PriorityQueue<int, long>();
        for (int v = 0; v < s.NodeCount && count > 0; v++)
        {
            if (s.NodeTypes[v] == synthetic) continue;
            if (heap.Count < count) heap.Enqueue(v, retained[v]);
            else if (retained[v] > retained[heap.Peek()]) heap.EnqueueDequeue(v, retained[v]);
        }
        var result = new List<int>(heap.Count);
        while (heap.Count > 0) result.Add(heap.Dequeue());
        result.Reverse();
        return result;
    }
}
