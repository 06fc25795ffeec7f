using System.Text.Json;

namespace Heapdog.Server.Jobs;

/// <summary>A job as the API shows it (docs/api.md). <see cref="Result"/> is the finished job's report (a capture's
/// <c>{"snapshotId"}</c>, a hunt's leak report, a sample's report), null before.</summary>
public sealed record JobView(long Id, string Kind, string State, string Phase, double? Fraction, string Message, long StartedMs, long? EndedMs,
    string? Error, long? ProcessId, IReadOnlyList<long> SnapshotIds, JsonElement? Result);
