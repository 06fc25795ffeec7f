using System.Text.Json;

namespace Heapdog.Server.Jobs;

/// <summary>
/// A long piece of work started by a request (upload, capture, analysis, hunt, sample), polled by the UI. The work
/// reports its phase and progress; the fields are read by other threads, so they change under a lock and are read as
/// one consistent copy through <see cref="View"/>. A job of an earlier run of the server (a remote job kept in the
/// store) is made again with its id and start time.
/// </summary>
public sealed class Job(long id, string kind, long? processId, long? startedMs = null)
{
    private readonly Lock _gate = new();
    private readonly List<long> _snapshotIds = [];
    private string _state = "queued";
    private string _phase = "queued";
    private double? _fraction;
    private string? _error;
    private JsonElement? _result;
    private long _endedMs = -1;

    public long Id { get; } = id;
    public string Kind { get; } = kind;
    public long? ProcessId { get; } = processId;
    public long StartedMs { get; } = startedMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    public CancellationTokenSource Cancellation { get; } = new();
    public bool Finished { get { lock (_gate) return _endedMs >= 0; } }

    public void Report(string phase, double? fraction)
    {
        lock (_gate)
        {
            if (_endedMs >= 0) return;
            _state = "running";
            _phase = phase;
            _fraction = fraction is double f ? Math.Clamp(f, 0, 1) : null;
        }
    }

    public void AddSnapshot(long snapshotId)
    {
        lock (_gate) _snapshotIds.Add(snapshotId);
    }

    /// <summary>Ends the job with its result: a report's JSON, or null.</summary>
    public void Complete(string? resultJson)
    {
        JsonElement? result = resultJson is null ? null : JsonDocument.Parse(resultJson).RootElement.Clone();
        lock (_gate) End("done", null, result);
    }

    public void Fail(string error, bool cancelled = false)
    {
        lock (_gate) End(cancelled ? "cancelled" : "failed", error, null);
    }

    /// <summary>Ends the job as it ended in an earlier run of the server: <paramref name="state"/> done, failed or cancelled.</summary>
    public void EndAs(string state, string? error, string? resultJson, long endedMs)
    {
        JsonElement? result = resultJson is null ? null : JsonDocument.Parse(resultJson).RootElement.Clone();
        lock (_gate) End(state, error, result, endedMs);
    }

    private void End(string state, string? error, JsonElement? result, long? endedMs = null)
    {
        if (_endedMs >= 0) return;
        _state = state;
        _error = error;
        _result = result;
        _phase = state;
        if (state == "done") _fraction = 1;
        _endedMs = endedMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>The job as docs/api.md describes it: one consistent copy.</summary>
    public JobView View()
    {
        lock (_gate)
            return new JobView(Id, Kind, _state, _phase, _fraction is double f ? Math.Round(f, 4) : null, _error ?? _phase, StartedMs,
                _endedMs >= 0 ? _endedMs : null, _error, ProcessId, [.. _snapshotIds], _result);
    }
}
