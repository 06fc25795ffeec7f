using Heapdog.Inspector;

namespace Heapdog.Workflows.Reports.Sampling;

/// <summary><c>heapdog sample --json</c> and the dashboard's sample job (docs/sample.md): allocations still live
/// after sampling, by allocating function, largest first.</summary>
public sealed record SampleResult(int SchemaVersion, int? Pid, long DurationMs, int SamplingInterval, long TotalBytes, string Profile,
    IReadOnlyList<SampleResult.SampledSite> Sites)
{
    public sealed record SampledSite(string Function, string Url, int Line, int Column, long Bytes, int Samples);

    public static SampleResult Build(int? pid, SampledHeap sampled, int top, string profilePath) =>
        new(1, pid, (long)sampled.Duration.TotalMilliseconds, sampled.SamplingInterval, sampled.TotalBytes, profilePath,
            sampled.Sites.Take(top).Select(s => new SampledSite(s.FunctionName, s.Url, s.Line, s.Column, s.Bytes, s.Samples)).ToList());
}
