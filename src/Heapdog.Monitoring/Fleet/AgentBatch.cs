namespace Heapdog.Monitoring.Fleet;

/// <summary>
/// What an agent ships in one request (docs/fleet.md): its rows since the last batch the server acknowledged. The pair
/// (<see cref="AgentId"/>, <see cref="Sequence"/>) makes a batch idempotent: the server records the last sequence it
/// applied for each agent in the same transaction as the rows, and answers a batch it already applied without applying it
/// again. <see cref="Columns"/> names the figures of every row's <c>values</c>, in order. <see cref="LostSamples"/> is the
/// agent's running total of raw samples its bounded buffer dropped (each replaced by its per-minute rollup).
/// </summary>
public sealed record AgentBatch(
    string AgentId,
    long Sequence,
    string Host,
    string AgentVersion,
    long SentMs,
    long LostSamples,
    IReadOnlyList<string> Columns,
    IReadOnlyList<BatchProcess> Processes,
    IReadOnlyList<BatchRow> Samples,
    IReadOnlyList<BatchRow> Minutes,
    IReadOnlyList<BatchEvent> Events,
    IReadOnlyList<BatchVerdict> Verdicts);
