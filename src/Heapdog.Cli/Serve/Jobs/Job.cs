using System.Text.Json;

namespace Heapdog.Cli.Serve.Jobs;

/// <summary>
/// A long piece of work started by a request (upload, capture, analysis, hunt, sample), polled by the UI. The work
/// reports its phase and progress; the fields are read by other threads, so they change under a lock and are read as
/// one consistent copy through <see cref="Write"/>.
/// </summary>
public sealed class Job(long id, string kind, long? processId)
{
    private readonly Lock _gate = new();
    private readonly List<long> _snapshotIds = [];
    private string _state = "queued";
    private string _phase = "queued";
    private double? _fraction;
    private string? _error;
    private string? _resultJson;
    private long _endedMs = -1;

    public long Id { get; } = id;
    public string Kind { get; } = kind;
    public long? ProcessId { get; } = processId;
    public long StartedMs { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
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

    public void Complete(string? resultJson)
    {
        lock (_gate) End("done", null, resultJson);
    }

    public void Fail(string error, bool cancelled = false)
    {
        lock (_gate) End(cancelled ? "cancelled" : "failed", error, null);
    }

    private void End(string state, string? error, string? result)
    {
        if (_endedMs >= 0) return;
        _state = state;
        _error = error;
        _resultJson = result;
        _phase = state;
        if (state == "done") _fraction = 1;
        _endedMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    }

    /// <summary>The job as docs/api.md describes it.</summary>
    public void Write(Utf8JsonWriter w)
    {
        lock (_gate)
        {
            w.WriteStartObject();
            w.WriteNumber("id", Id);
            w.WriteString("kind", Kind);
            w.WriteString("state", _state);
            w.WriteString("phase", _phase);
            if (_fraction is double f) w.WriteNumber("fraction", Math.Round(f, 4)); else w.WriteNull("fraction");
            w.WriteString("message", _error ?? _phase);
            w.WriteNumber("startedMs", StartedMs);
            if (_endedMs >= 0) w.WriteNumber("endedMs", _endedMs); else w.WriteNull("endedMs");
            if (_error is not null) w.WriteString("error", _error); else w.WriteNull("error");
            if (ProcessId is long p) w.WriteNumber("processId", p); else w.WriteNull("processId");
            w.WriteStartArray("snapshotIds");
            foreach (long s in _snapshotIds) w.WriteNumberValue(s);
            w.WriteEndArray();
            w.WritePropertyName("result");
            if (_resultJson is not null) w.WriteRawValue(_resultJson, skipInputValidation: true); else w.WriteNullValue();
            w.WriteEndObject();
        }
    }
}
