using System.Text.Json;
using Heapdog.Monitoring.Fleet;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Jobs;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>One remote action: the request its agent runs, the server's job that shows it, and its record in the store
/// (<see cref="Record"/>), saved at each step that a restarted server must know of: handed to the agent, each checked
/// chunk of its upload, the upload whole, its end. <see cref="Ended"/> completes when the agent's part is over.</summary>
public sealed class RemoteJob(IFleetStore store, RemoteJobRecord record, AgentJob request, Job job)
{
    private readonly Lock _gate = new();
    private RemoteJobRecord _record = record;

    public string Host { get; } = record.Host;
    public AgentJob Request { get; } = request;
    public Job Job { get; } = job;
    public TaskCompletionSource<AgentJobUpdate> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The job as the store holds it now.</summary>
    public RemoteJobRecord Record
    {
        get { lock (_gate) return _record; }
    }

    /// <summary>The share of the job's progress the agent's own work takes: a capture leaves the rest to the server's analysis.</summary>
    public double AgentShare => Request.Kind == "capture" ? 0.5 : 0.96;

    /// <summary>Changes the record, in the store first: if the store refuses, nothing changed.</summary>
    public RemoteJobRecord Save(Func<RemoteJobRecord, RemoteJobRecord> change)
    {
        lock (_gate)
        {
            var next = change(_record);
            store.SaveRemoteJob(next);
            return _record = next;
        }
    }

    /// <summary>Records the agent's end of a hunt or sampling (its report), or of any job that failed there, before the agent
    /// is answered: a server killed after that answer still has the report.</summary>
    public void Finish(AgentJobUpdate end) => Save(r => (end.Error, end.Report) switch
    {
        ({ } error, _) => r with { State = RemoteJobState.Failed, Error = $"on {Host}: {error}", EndedMs = Now },
        (null, { } report) => r with { State = RemoteJobState.Done, Result = report.GetRawText(), EndedMs = Now },
        _ => r with { State = RemoteJobState.Failed, Error = $"the agent of {Host} sent no report", EndedMs = Now },
    });

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>The request as the store keeps it.</summary>
    public static string Serialize(AgentJob request) => JsonSerializer.Serialize(request, Workflows.Json.HeapdogJsonContext.Default.AgentJob);

    public static AgentJob Deserialize(string json) =>
        JsonSerializer.Deserialize(json, Workflows.Json.HeapdogJsonContext.Default.AgentJob) ?? throw new JsonException("a null remote job request");
}
