namespace Heapdog.Workflows.Progress;

/// <summary>Progress sinks that need no console.</summary>
public static class WorkProgress
{
    /// <summary>For work that must report nothing: the watch's snapshot rules, tests.</summary>
    public static IWorkProgress Quiet { get; } = new QuietProgress();

    private sealed class QuietProgress : IWorkProgress
    {
        public void Report(string phase, double fraction) { }
        public void Notice(string line) { }
        public void Clear() { }
    }
}
