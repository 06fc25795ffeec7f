using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring;

namespace Heapdog.Server.Processes;

/// <summary>What the running watcher knows of one process, copied on the watch loop so requests never see it change.</summary>
public sealed record LiveProcess(WatchedProcess Process, Sample? Last, Verdict? Verdict, bool Exited, long ExitedAtMs, bool OomKillSuspected);
