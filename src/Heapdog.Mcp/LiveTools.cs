using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Heapdog.Inspector;
using Heapdog.Workflows.Capture;
using Heapdog.Workflows.Files;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Hunting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Oom;
using Heapdog.Workflows.Reports.Hunt;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Reports.Oom;
using Heapdog.Workflows.Reports.Ps;
using Heapdog.Workflows.Reports.Sampling;
using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Mcp;

/// <summary>
/// Tools that act on live Node processes of this host, through the same workflows and safety checks as the commands:
/// the inspector only on loopback, opened with SIGUSR1 when needed and closed again, and a snapshot refused when the
/// target lacks the memory headroom to build it. Left out with <c>heapdog mcp --read-only</c>.
/// </summary>
[McpServerToolType]
public sealed class LiveTools(McpWorkspace workspace)
{
    [McpServerTool(Name = "ps", ReadOnly = true, Idempotent = false, OpenWorld = false)]
    [Description("The Node.js processes on this host: pid, name, RSS, CPU, uptime, cgroup memory limit, inspector state, pm2 name. Read from /proc without touching them. Same JSON as `heapdog ps --json`.")]
    public Task<string> Ps(CancellationToken cancellation = default) => ToolCall.RunAsync(async () =>
        ReportJson.SerializeCompact(PsResult.Build(await ProcessList.ReadAsync(cancellation), DateTimeOffset.UtcNow)));

    [McpServerTool(Name = "snapshot", Destructive = true, Idempotent = false, ReadOnly = false, OpenWorld = false)]
    [Description("ACTS ON A LIVE PROCESS: writes a heap snapshot of a running Node process. The process is paused while V8 builds it (seconds for a large heap) and its heap grows meanwhile; refused when it lacks the headroom. Returns the file, to use with analyze/inspect/paths.")]
    public Task<string> Snapshot(
        [Description("The Node process's pid (see ps)")] int pid,
        [Description("Directory to write into (default: this server's private temporary directory)")] string? directory = null,
        [Description("A worker thread's id (its threadId) to snapshot that worker's heap instead of the main thread's")] string? worker = null,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.RunAsync(async () =>
        {
            var work = new ToolProgress(progress);
            string dir = Path.GetFullPath(directory ?? workspace.Directory);
            if (worker is not null) WorkerThreads.Validate(worker, allowAll: false);
            string file = Path.Combine(dir, $"heapdog-{pid}-{Stamp()}.heapsnapshot");
            string path = OutputPath.Check(worker is null ? file : WorkerThreads.FileFor(file, worker), overwrite: false);
            await using var process = await ProcessAttach.AttachAsync(new AttachOptions { Pid = pid }, work, cancellation);
            var (heap, taken) = (await ProcessSnapshots.TakeAsync(process, pid, path, worker, force: false, collectGarbage: true, overwrite: false, work, cancellation))[0];
            return ReportJson.SerializeCompact(new SnapshotTaken(1, process.Pid, taken.Path, taken.Bytes, taken.NodeCount, taken.EdgeCount,
                (long)taken.Elapsed.TotalMilliseconds, heap));
        });

    [McpServerTool(Name = "hunt", Destructive = true, Idempotent = false, ReadOnly = false, OpenWorld = false)]
    [Description("ACTS ON A LIVE PROCESS: the leak hunt. Takes `snapshots` heap snapshots of a running Node process `interval` apart over one inspector session (each pauses the process briefly), then reports what leaks: suspects with what grows, the accumulating object's @id, the retainer path and the source line. The snapshots are kept; the report's @ids name objects of the LAST one (use inspect/paths on it). Sends progress notifications.")]
    public Task<string> Hunt(
        [Description("The Node process's pid (see ps)")] int pid,
        [Description("How many snapshots (2 to 20)")] int snapshots = 3,
        [Description("Time between snapshots, e.g. 10s, 1m")] string interval = "10s",
        [Description("How many suspects to report")] int top = 5,
        [Description("Directory to keep the snapshots in (default: this server's private temporary directory)")] string? directory = null,
        [Description("Track allocations during the hunt, so each suspect lists the stacks that allocated its new objects (allocatedAt). Costs the target CPU and memory while the hunt runs")] bool allocations = false,
        [Description("A worker thread's id (its threadId) to hunt in that worker's heap instead of the main thread's")] string? worker = null,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.RunAsync(async () =>
        {
            var work = new ToolProgress(progress);
            var every = DurationText.Parse(interval, "interval");
            var paths = await HuntSeries.CaptureFilesAsync(new AttachOptions { Pid = pid }, snapshots, every,
                Path.GetFullPath(directory ?? workspace.Directory), force: false, work, cancellation, allocations, worker);
            var clock = Stopwatch.StartNew();
            var report = LeakFinder.FromFiles(paths, work, cancellation);
            var maps = Workflows.SourceMaps.SourceMapResolver.ForProcess(pid); // the target's files, through /proc/PID/root
            return ReportJson.SerializeCompact(new HuntResult(1, paths, LeaksResult.Build(report, Math.Max(1, top), clock.Elapsed, maps)));
        });

    [McpServerTool(Name = "sample", Destructive = false, Idempotent = false, ReadOnly = false, OpenWorld = false)]
    [Description("ACTS ON A LIVE PROCESS: runs V8's sampling heap profiler on a running Node process for `duration` (low overhead, no pause) and lists the functions whose allocations are still live, largest first. Same JSON as `heapdog sample --json`.")]
    public Task<string> Sample(
        [Description("The Node process's pid (see ps)")] int pid,
        [Description("How long to sample, e.g. 10s (at most 10m)")] string duration = "10s",
        [Description("How many allocation sites to list")] int top = 15,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.RunAsync(async () =>
        {
            var work = new ToolProgress(progress);
            var length = DurationText.Parse(duration, "duration");
            if (length > TimeSpan.FromMinutes(10))
                throw new Workflows.Errors.HeapdogException(Workflows.Errors.ErrorKind.BadRequest, "duration must be 10 minutes or less");
            string path = Path.Combine(workspace.Directory, $"heapdog-{pid}-{Stamp()}.heapprofile");
            await using var process = await ProcessAttach.AttachAsync(new AttachOptions { Pid = pid }, work, cancellation);
            var sampled = await AllocationSampling.RunAsync(process, length, HeapSampler.DefaultInterval, path, overwrite: false, work, cancellation);
            return ReportJson.SerializeCompact(SampleResult.Build(process.Pid, sampled, Math.Max(1, top), path));
        });

    [McpServerTool(Name = "oom_deaths", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Processes killed for lack of memory (kernel OOM killer, cgroup limit, V8 heap limit, pm2 restarts), from the kernel's log or the given logs plus what `heapdog watch` recorded, each with what the process looked like before it died. Same JSON as `heapdog oom --json`.")]
    public Task<string> OomDeaths(
        [Description("Logs to read instead of the kernel's: a kernel log, a Node process's stderr, a pm2 log")] string[]? logs = null,
        [Description("The store written by heapdog watch (default: the default store, if it exists)")] string? db = null,
        [Description("Only deaths after this: a duration back from now (2h, 3d) or a time (2026-11-21T10:00:00Z)")] string? since = null,
        CancellationToken cancellation = default) => ToolCall.RunAsync(async () =>
        {
            var (reads, findings, skipped) = await OomSearch.RunAsync(logs ?? [], db, since is null ? null : OomSearch.ParseSince(since), cancellation);
            return ReportJson.SerializeCompact(OomResult.Build(reads, findings, skipped));
        });

    [McpServerTool(Name = "watch_status", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("What `heapdog watch` (or serve) recorded of each process, most recently seen first: last RSS and heap, sample count, and the verdict over its samples (growing JS heap, off-heap / native growth, steady) with its trend figures. Reads the store only.")]
    public string WatchStatus(
        [Description("The store written by heapdog watch (default: the default store)")] string? db = null) => ToolCall.Run(() =>
            ReportJson.SerializeCompact(WatchStatusResult.Read(db)));

    private static string Stamp() => DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
}
