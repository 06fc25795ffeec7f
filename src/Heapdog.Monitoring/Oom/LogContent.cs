namespace Heapdog.Monitoring.Oom;

/// <summary>What a log turned out to hold, judged by the lines that matched (a file may hold several kinds).</summary>
[Flags]
public enum LogContent { None = 0, Kernel = 1, NodeStderr = 2, Pm2 = 4 }
