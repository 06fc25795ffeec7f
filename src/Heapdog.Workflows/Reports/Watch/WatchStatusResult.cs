using Heapdog.Monitoring;
using Heapdog.Monitoring.Analysis;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Monitoring;

namespace Heapdog.Workflows.Reports.Watch;

/// <summary>What a watch's store says of each process it watched, most recently seen first: its last figures and the
/// verdict over its samples (the one the watcher gives, computed again from the store, as <c>heapdog oom</c> does).</summary>
public sealed record WatchStatusResult(int SchemaVersion, string Db, IReadOnlyList<WatchStatusResult.WatchedStatus> Processes)
{
    /// <summary>One process: who, when last seen, how many samples, its last RSS and heap used (null when not
    /// measured), and its verdict (null without samples).</summary>
    public sealed record WatchedStatus(long Id, int Pid, string Name, string CommandLine, string? Pm2Name, string LastSeen, long SampleCount,
        long? LastRss, long? LastHeapUsed, WatchVerdict? Verdict);

    /// <summary>Reads the store at <paramref name="dbPath"/> (the default store when null), read-only.</summary>
    public static WatchStatusResult Read(string? dbPath)
    {
        string path = Path.GetFullPath(dbPath ?? StorePaths.Default());
        if (!File.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"no store at {path}: run heapdog watch (or serve) first, or name one");
        SpecialFile.Refuse(path);
        using var store = StoreOpener.OpenReadOnly(path);
        var processes = new List<WatchedStatus>();
        foreach (var p in store.AllProcesses())
        {
            var samples = store.ReadSamples(p.Id);
            var last = samples.Count > 0 ? samples[^1] : null;
            processes.Add(new WatchedStatus(p.Id, p.Identity.Pid, p.Name, p.CommandLine, p.Pm2Name, Format.Iso(store.LastSeenMs(p.Id)), samples.Count,
                last is { Rss: >= 0 } ? last.Rss : null, last is { HeapUsed: >= 0 } ? last.HeapUsed : null,
                samples.Count > 0 ? WatchVerdict.From(VerdictAnalyzer.Analyze(samples, p.StartTimeMs)) : null));
        }
        return new WatchStatusResult(1, path, processes);
    }
}
