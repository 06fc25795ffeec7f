using System.Text.Json;
using Heapdog.Inspector;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Capture;

/// <summary>V8's sampling heap profiler run on a live process, its profile written for DevTools; shared by
/// <c>heapdog sample</c> and the dashboard's Sample button.</summary>
public static class AllocationSampling
{
    public static async Task<SampledHeap> RunAsync(InspectedProcess process, TimeSpan length, int bytesPerSample, string profilePath, bool overwrite,
        IWorkProgress progress, CancellationToken cancellationToken)
    {
        var fraction = new SyncProgress<double>(f => progress.Report($"sampling pid {process.Pid} for {DurationText.Format(length)}", f));
        SampledHeap sampled;
        try { sampled = await HeapSampler.RunAsync(process.Connection, length, bytesPerSample, fraction, cancellationToken); }
        catch (InspectorException ex) { throw ProcessAttach.Translate(ex); }
        await OutputPath.WriteAsync(profilePath, overwrite, async stream =>
        {
            await using var writer = new Utf8JsonWriter(stream);
            sampled.Profile.WriteTo(writer);
        });
        return sampled;
    }
}
