namespace Heapdog.Monitoring.Sampling;

/// <summary>Which processes a watch follows: the given pids, every Node process on the host (found again every
/// 30 s), or every running pm2 app (from <c>pm2 jlist</c> every 30 s).</summary>
public enum TargetMode { Pids, All, Pm2 }
