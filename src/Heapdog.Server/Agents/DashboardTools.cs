using System.ComponentModel;
using System.Text.Json;
using ModelContextProtocol.Server;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Fleet;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;

namespace Heapdog.Server.Agents;

/// <summary>
/// The dashboard's own state as MCP tools, served only at <c>/mcp</c> inside <c>heapdog serve</c>: the watched
/// processes with their verdicts and last OOM, the snapshot library (with file paths for the file tools) and the jobs.
/// Same shapes as the JSON API (docs/api.md), on one line.
/// </summary>
[McpServerToolType]
public sealed class DashboardTools(IDashboardStore store, LiveProcesses live, SnapshotLibrary library, JobBoard jobs, FleetState fleet)
{
    private static readonly JsonSerializerOptions Compact = new(ServerJsonContext.Default.Options) { WriteIndented = false };

    [McpServerTool(Name = "dashboard_processes", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The processes this dashboard watches, its own and its agents' hosts', alive first, each with its host: last sample (RSS, heap, native, cgroup), nearest memory limit, the verdict (growing JS heap, off-heap growth, steady) and the last OOM death. Same JSON as GET /api/processes.")]
    public string Processes() => JsonSerializer.Serialize(ProcessesApi.All(store, live, fleet), Compact.GetTypeInfo(typeof(List<ProcessView>)));

    [McpServerTool(Name = "dashboard_snapshots", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The snapshots the dashboard keeps, newest first, with the path of each file: open them with analyze, leaks (oldest first), inspect or paths.")]
    public string Snapshots() => JsonSerializer.Serialize(library.All().Select(s => new DashboardSnapshot(s.Id, s.Name, s.File, s.State, s.Bytes,
        s.CreatedMs, s.ProcessId, s.Pid, s.Source)).ToList(), Compact.GetTypeInfo(typeof(List<DashboardSnapshot>)));

    [McpServerTool(Name = "dashboard_jobs", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The dashboard's jobs (captures, analyses, hunts, samples, leak reports), newest first, with their state, progress and result. Same JSON as GET /api/jobs.")]
    public string Jobs() => JsonSerializer.Serialize(jobs.All().Select(j => j.View()).ToList(), Compact.GetTypeInfo(typeof(List<JobView>)));
}
