using Heapdog.Monitoring.Import;
using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Workflows.Reports.Import;

/// <summary><c>heapdog import --json</c>: what each file gave and, for each process series written, its span and the
/// verdict over it (docs/import.md; field names are a promise).</summary>
public sealed record ImportResult(int SchemaVersion, string Db, IReadOnlyList<ImportResult.FileRead> Files, IReadOnlyList<ImportResult.ImportedProcess> Processes)
{
    /// <summary>One file: the record formats seen (<c>memoryUsage</c>, <c>pm2Jlist</c>, <c>pm2Restart</c>,
    /// <c>prometheus</c>), its non-empty lines, the samples read and the lines skipped as neither record nor comment.</summary>
    public sealed record FileRead(string Path, IReadOnlyList<string> Formats, int Lines, int Samples, int Skipped);

    /// <summary>One series as stored: the store's process id, the name and pid (null when the file does not say it),
    /// the samples written, the first and last time, and the verdict <c>watch</c> would give over them.</summary>
    public sealed record ImportedProcess(long Id, string Name, int? Pid, int Samples, string First, string Last, WatchVerdict Verdict);

    public static string FormatName(ImportFormat format) => format switch
    {
        ImportFormat.MemoryUsage => "memoryUsage",
        ImportFormat.Pm2Jlist => "pm2Jlist",
        ImportFormat.Pm2Restart => "pm2Restart",
        ImportFormat.Prometheus => "prometheus",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };
}
