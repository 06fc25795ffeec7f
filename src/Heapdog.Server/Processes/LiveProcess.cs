using Heapdog.Monitoring.Analysis;
using Heapdog.Monitoring;
using Heapdog.Server.Actions;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Server.Metrics;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Progress;

namespace Heapdog.Server.Processes;

/// <summary>What the running watcher knows of one process, copied on the watch loop so requests never see it change.</summary>
public sealed record LiveProcess(WatchedProcess Process, Sample? Last, Verdict? Verdict, bool Exited, long ExitedAtMs, bool OomKillSuspected);
