using ModelContextProtocol;
using Heapdog.Workflows.Progress;

namespace Heapdog.Mcp;

/// <summary>A workflow's progress as MCP progress notifications (when the client asked for them with a token).</summary>
internal sealed class ToolProgress(IProgress<ProgressNotificationValue>? progress) : IWorkProgress
{
    private string? _phase;

    public void Report(string phase, double fraction)
    {
        // Only phase changes and whole percents: an agent needs to see it moving, not every step.
        if (progress is null || (phase == _phase && fraction < 0)) return;
        _phase = phase;
        progress.Report(new ProgressNotificationValue { Progress = fraction < 0 ? 0 : (float)Math.Round(fraction * 100), Total = 100, Message = phase });
    }

    public void Notice(string line) => progress?.Report(new ProgressNotificationValue { Progress = 0, Message = line });

    public void Clear() { }
}
