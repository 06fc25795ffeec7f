using Heapdog.Server.Jobs;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>One remote action: the request its agent runs, the server's job that shows it, and how it ended. A capture's
/// snapshot, once uploaded and checked, is <see cref="UploadedPath"/>.</summary>
public sealed class RemoteJob(string host, AgentJob request, Job job)
{
    public string Host { get; } = host;
    public AgentJob Request { get; } = request;
    public Job Job { get; } = job;
    public TaskCompletionSource<AgentJobUpdate> Ended { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public string? UploadedPath { get; set; }
    public long UploadedBytes { get; set; }
    public string? Sha256 { get; set; }

    /// <summary>The share of the job's progress the agent's own work takes: a capture leaves the rest to the server's analysis.</summary>
    public double AgentShare => Request.Kind == "capture" ? 0.5 : 0.96;
}
