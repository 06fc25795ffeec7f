using System.Text.Json.Serialization;
using Heapdog.Inspector;
using Heapdog.Workflows.SourceMaps;

namespace Heapdog.Workflows.Reports.Sampling;

/// <summary><c>heapdog sample --json</c> and the dashboard's sample job (docs/sample.md): allocations still live
/// after sampling, by allocating function, largest first.</summary>
public sealed record SampleResult(int SchemaVersion, int? Pid, long DurationMs, int SamplingInterval, long TotalBytes, string Profile,
    IReadOnlyList<SampleResult.SampledSite> Sites)
{
    /// <summary>An allocating function: 1-based line and column (0 when V8 gives none), with its original source
    /// position when the script's source map gives one, or a note when the map could not be used.</summary>
    public sealed record SampledSite(string Function, string Url, int Line, int Column, long Bytes, int Samples,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OriginalLocation? Original = null,
        [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SourceMapNote = null);

    /// <summary>The report; scripts are read through <c>/proc/PID/root</c> of <paramref name="pid"/> to map sites
    /// back through their source maps.</summary>
    public static SampleResult Build(int? pid, SampledHeap sampled, int top, string profilePath)
    {
        var maps = SourceMapResolver.ForProcess(pid);
        return new(1, pid, (long)sampled.Duration.TotalMilliseconds, sampled.SamplingInterval, sampled.TotalBytes, profilePath,
            sampled.Sites.Take(top).Select(s => Site(s, maps)).ToList());
    }

    private static SampledSite Site(AllocationSite s, SourceMapResolver maps)
    {
        var mapped = s.Url.Length > 0 && s.Line > 0 ? maps.Map(s.Url, s.Line, s.Column) : SourceMapped.None;
        return new SampledSite(s.FunctionName, s.Url, s.Line, s.Column, s.Bytes, s.Samples, mapped.Original, mapped.Note);
    }
}
