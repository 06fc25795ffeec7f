using System.Diagnostics;
using Heapdog.Workflows.Progress;

namespace Heapdog.Workflows.Fleet;

/// <summary>A job's progress on the agent, sent to the server's job at most once a second, in the background: a slow or
/// absent server never slows the work, and a lost update is only a coarser progress bar.</summary>
public sealed class RemoteProgress(FleetClient client, long jobId, CancellationToken ct) : IWorkProgress
{
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private bool _first = true;

    public void Report(string phase, double fraction) => Send(phase, fraction < 0 ? null : Math.Clamp(fraction, 0, 1));

    public void Notice(string line) => Send(line, null);

    public void Clear() { }

    private void Send(string phase, double? fraction)
    {
        lock (_gate)
        {
            if (!_first && _since.Elapsed < TimeSpan.FromSeconds(1)) return;
            _first = false;
            _since.Restart();
        }
        _ = Task.Run(async () =>
        {
            try { await client.UpdateJobAsync(jobId, new AgentJobUpdate(phase, fraction), ct); }
            catch (Exception e) when (e is ServerUnreachableException or Errors.HeapdogException or OperationCanceledException)
            {
                // A progress update lost: the next one, or the job's end, says where it is.
            }
        }, CancellationToken.None);
    }
}
