namespace Heapdog.Monitoring.Import;

/// <summary>The kinds of memory record <see cref="MemoryLogParser"/> reads; their JSON names are in docs/import.md.</summary>
public enum ImportFormat
{
    /// <summary><c>JSON.stringify(process.memoryUsage())</c> lines, with or without a time prefix.</summary>
    MemoryUsage,
    /// <summary><c>pm2 jlist</c> output: one dump, or one per line behind a time prefix.</summary>
    Pm2Jlist,
    /// <summary>pm2's own "restarted because it exceeds --max-memory-restart value (current_memory=…)" lines.</summary>
    Pm2Restart,
    /// <summary>Prometheus text scrapes of prom-client's default metrics.</summary>
    Prometheus,
}

/// <summary>One process's series read from a file: the name it is stored under, its pid and start time when the file
/// says them, and its samples, oldest first.</summary>
public sealed record ImportedSeries(string Name, int? Pid, long? StartTimeMs, IReadOnlyList<Sample> Samples);

/// <summary>What one file gave: the formats seen, its non-empty lines, the samples read and the lines that were neither a
/// record nor a comment (counted, never fatal).</summary>
public sealed record ImportedFile(IReadOnlyList<ImportFormat> Formats, int Lines, int Samples, int Skipped, IReadOnlyList<ImportedSeries> Series);
