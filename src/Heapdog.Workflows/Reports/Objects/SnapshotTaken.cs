namespace Heapdog.Workflows.Reports.Objects;

/// <summary>A snapshot written from a live process: where, how big, how long it took. <see cref="Worker"/> is the worker
/// thread whose heap it is (null: the main thread's); <see cref="Workers"/> holds every worker's snapshot when all of a
/// process's heaps were taken (<c>snapshot --worker all</c>), else null.</summary>
public sealed record SnapshotTaken(int SchemaVersion, int? Pid, string File, long Bytes, long NodeCount, long EdgeCount, long ElapsedMs,
    string? Worker = null, IReadOnlyList<SnapshotTaken>? Workers = null);
