using System.Globalization;
using Heapdog.Monitoring;
using Heapdog.Monitoring.Oom;
using Heapdog.Monitoring.Store;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Monitoring;

namespace Heapdog.Workflows.Oom;

/// <summary>
/// Finding OOM deaths, for <c>heapdog oom</c> and the MCP tool: the given logs (or the kernel's), plus the deaths a
/// watch recorded, each tied to what the process looked like before it died. The store is opened read-only: this
/// never writes it, and never turns a file that is not a store into one.
/// </summary>
public static class OomSearch
{
    /// <summary>What was read (with a note where a source could not be), what was found, and how many lines were skipped.</summary>
    public sealed record Found(IReadOnlyList<OomSources.SourceRead> Reads, IReadOnlyList<OomFinding> Findings, int Skipped);

    /// <param name="logs">Logs to read instead of the kernel's (kernel log, a Node process's stderr, a pm2 log).</param>
    /// <param name="dbPath">The watch's store; null for the default store when it exists.</param>
    /// <param name="since">Only deaths after this.</param>
    public static async Task<Found> RunAsync(IReadOnlyList<string> logs, string? dbPath, DateTimeOffset? since, CancellationToken ct)
    {
        foreach (var f in logs)
        {
            if (Directory.Exists(f)) throw new HeapdogException(ErrorKind.NotFound, $"--log {f} is a directory, not a log file");
            if (!File.Exists(f)) throw new HeapdogException(ErrorKind.NotFound, $"--log {f}: no such file");
            SpecialFile.Refuse(f);
        }
        using var store = OpenExistingStore(dbPath);
        var reads = new List<OomSources.SourceRead>();
        if (logs.Count > 0)
        {
            reads.AddRange(logs.Select(OomSources.ReadFile));
            // A log the user named and that cannot be read is the command's failure, not a note beside an empty answer.
            if (reads.FirstOrDefault(r => r.Result is null) is { Note: { } note }) throw new HeapdogException(ErrorKind.NotFound, note);
        }
        else reads.AddRange(await OomSources.ReadKernelAsync(since, ct));

        var all = reads.Where(r => r.Result is not null).SelectMany(r => r.Result!.Events);
        if (store is not null) all = all.Concat(OomInvestigator.FromStore(store, since?.ToUnixTimeMilliseconds() ?? long.MinValue));
        var events = OomSources.Deduplicate(all)
            .Where(e => since is null || e.Time is null || e.Time >= since)
            .OrderBy(e => e.Time ?? DateTimeOffset.MaxValue)
            .ToList();
        var findings = events.Select(e => OomInvestigator.Investigate(e, store)).ToList();
        return new Found(reads, findings, reads.Sum(r => r.Result?.Skipped ?? 0));
    }

    /// <summary>A duration back from now (<c>2h</c>, <c>3d</c>) or a time (<c>2026-11-21T10:00:00Z</c>).</summary>
    public static DateTimeOffset ParseSince(string text)
    {
        if (DurationText.TryParse(text, out var back)) return DateTimeOffset.UtcNow - back;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var t)) return t;
        throw new HeapdogException(ErrorKind.BadRequest, $"--since '{text}' is neither a duration (2h, 3d) nor a time (2026-11-21T10:00:00Z)");
    }

    private static SampleStore? OpenExistingStore(string? path)
    {
        if (path is not null && !File.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"--db {path}: no such file");
        path ??= StorePaths.Default();
        if (!File.Exists(path)) return null;
        SpecialFile.Refuse(path);
        // Read only: oom never writes the store, so a file that is not one is refused rather than made one, and a
        // store the user may only read can still be read.
        return StoreOpener.OpenReadOnly(path);
    }
}
