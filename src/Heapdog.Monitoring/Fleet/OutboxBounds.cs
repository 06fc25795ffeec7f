namespace Heapdog.Monitoring.Fleet;

/// <summary>
/// What one batch of an agent holds, as bounds on its buffer: raw samples up to <see cref="SamplesToMs"/>, per-minute
/// rows up to <see cref="MinutesToMs"/>, events up to id <see cref="EventsToId"/> (-1: none). Kept in the buffer with
/// <see cref="Sequence"/> before the batch is sent, so a batch retried after a crash is the same batch.
/// </summary>
public sealed record OutboxBounds(long Sequence, long SamplesToMs, long MinutesToMs, long EventsToId);
