using Heapdog.Workflows.Progress;

namespace Heapdog.Server.Jobs;

/// <summary>A workflow's progress as a job's: phases as they are, fractions mapped into [<paramref name="from"/>,
/// <paramref name="to"/>] of the job (a job made of several workflows gives each its share).</summary>
public sealed class JobProgress(Job job, double from = 0, double to = 1) : IWorkProgress
{
    public void Report(string phase, double fraction) => job.Report(phase, fraction < 0 ? null : from + (to - from) * Math.Min(1, fraction));

    /// <summary>A job has no console: a notice becomes its phase, so the UI shows it.</summary>
    public void Notice(string line) => job.Report(line, null);

    public void Clear() { }
}
