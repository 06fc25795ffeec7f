using Heapdog.Monitoring;
using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring.Import;
using Heapdog.Processes;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Monitoring;
using Heapdog.Workflows.Reports.Import;
using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Workflows.Importing;

/// <summary>
/// <c>heapdog import</c>: memory records users already have (docs/import.md) written into the store as process series,
/// so the verdict, the dashboard's charts and the time to a limit work on yesterday's incident. Every file is checked
/// before the store is opened; a series is stored under its name (pid 0 when the file does not give one) and its start
/// time, so importing the same file again replaces its samples instead of adding them twice.
/// </summary>
public static class SeriesImport
{
    /// <summary>The spacing given to records with no time at all, the last one at the file's modification time: the
    /// write-ups log <c>process.memoryUsage()</c> once a minute.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    /// <param name="files">The files to read, each a regular, readable file.</param>
    /// <param name="name">The series name for records that carry none (default: the file's name); for pm2 dumps,
    /// the one app to read.</param>
    /// <param name="dbPath">The store (default: the default store).</param>
    public static ImportResult Run(IReadOnlyList<string> files, string? name, string? dbPath, TimeSpan interval)
    {
        if (files.Count == 0) throw new HeapdogException(ErrorKind.BadRequest, "name at least one file to import");
        if (interval <= TimeSpan.Zero || interval > TimeSpan.FromDays(1))
            throw new HeapdogException(ErrorKind.BadRequest, $"--interval {DurationText.Format(interval)} is out of range: give 1ms to 1d");
        var texts = files.Select(Read).ToList();

        var read = new List<ImportResult.FileRead>();
        var series = new List<ImportedSeries>();
        for (int i = 0; i < files.Count; i++)
        {
            string full = Path.GetFullPath(files[i]);
            var parsed = MemoryLogParser.Parse(texts[i], name ?? Path.GetFileNameWithoutExtension(full), name, File.GetLastWriteTime(full), interval);
            read.Add(new ImportResult.FileRead(full, [.. parsed.Formats.Select(ImportResult.FormatName)], parsed.Lines, parsed.Samples, parsed.Skipped));
            series.AddRange(parsed.Series);
        }
        if (series.Count == 0)
            throw new HeapdogException(ErrorKind.Malformed,
                $"no memory records in {string.Join(", ", files)}: expected process.memoryUsage() JSON lines, pm2 jlist output, pm2 max-memory-restart lines or a Prometheus scrape (docs/import.md)");

        string db = Path.GetFullPath(dbPath ?? StorePaths.Default());
        using var store = StoreOpener.Open(db);
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var processes = new List<ImportResult.ImportedProcess>();
        foreach (var s in series)
        {
            // A start the file does not give is put one warm-up before the first record, so that every record counts.
            long start = s.StartTimeMs ?? s.Samples[0].TimeMs - (long)VerdictOptions.Default.WarmUp.TotalMilliseconds;
            var process = store.UpsertProcess(new ProcessIdentity(s.Pid ?? 0, 0), s.Name, "(imported)", start, null, s.Samples[^1].TimeMs);
            store.AddSamples([.. s.Samples.Select(x => (process.Id, x))]);
            var all = store.ReadSamples(process.Id);
            processes.Add(new ImportResult.ImportedProcess(process.Id, s.Name, s.Pid, s.Samples.Count, Format.Iso(s.Samples[0].TimeMs),
                Format.Iso(s.Samples[^1].TimeMs), WatchVerdict.From(VerdictAnalyzer.Analyze(all, start))));
        }
        return new ImportResult(1, db, read, processes);
    }

    private static string Read(string path)
    {
        if (!File.Exists(path)) throw new HeapdogException(ErrorKind.NotFound, $"'{path}' does not exist");
        SpecialFile.Refuse(path);
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HeapdogException(ErrorKind.NotFound, $"cannot read '{path}': {e.Message}");
        }
    }
}
