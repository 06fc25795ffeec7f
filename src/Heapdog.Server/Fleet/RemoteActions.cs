using System.Text.Json;
using System.Text.Json.Nodes;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Server.Snapshots;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Fleet;

namespace Heapdog.Server.Fleet;

/// <summary>
/// A snapshot, hunt or sampling of a process on another host, as a job of this server (docs/fleet.md): the agent of
/// that host takes it, runs it there through the same workflows and safety checks as the commands, and sends back the
/// report, or uploads the snapshot, which this server then analyses as it does its own.
/// </summary>
public static class RemoteActions
{
    public static Job Start(FleetState fleet, JobBoard jobs, SnapshotLibrary library, IDashboardStore store, StoredProcess target, string kind,
        Func<long, AgentJob> request) =>
        jobs.Start(kind, target.Process.Id, (job, ct) => RunAsync(fleet, library, store, target, request(job.Id), job, ct),
            failed => fleet.Uploads.Discard(failed.Id));

    private static async Task<string?> RunAsync(FleetState fleet, SnapshotLibrary library, IDashboardStore store, StoredProcess target, AgentJob request,
        Job job, CancellationToken ct)
    {
        var remote = await fleet.Jobs.RunAsync(target.Host, request, job, ct);
        var end = await remote.Ended.Task;
        if (end.Error is { } error)
            throw new HeapdogException(Enum.TryParse<ErrorKind>(end.ErrorKind, ignoreCase: true, out var kind) ? kind : ErrorKind.ProcessUnavailable,
                $"on {target.Host}: {error}");
        if (request.Kind != "capture")
            return end.Report is { } report ? report.GetRawText() : throw new HeapdogException(ErrorKind.ProcessUnavailable, $"the agent of {target.Host} sent no report");

        var path = remote.UploadedPath ?? throw new HeapdogException(ErrorKind.ProcessUnavailable, $"the agent of {target.Host} uploaded no snapshot");
        var record = library.Register(target.Process.Id, target.Process.Identity.Pid, path, remote.UploadedBytes, "capture");
        job.AddSnapshot(record.Id);
        store.AddEvent(target.Process.Id, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), EventKind.Snapshot, new JsonObject
        {
            ["reason"] = "capture", ["path"] = path, ["bytes"] = remote.UploadedBytes, ["snapshotId"] = record.Id, ["host"] = target.Host,
        }.ToJsonString());
        library.Analyze(record, job, ct, 0.5, 1);
        return JsonSerializer.Serialize(new RemoteCaptureResult(record.Id, target.Host, remote.UploadedBytes, remote.Sha256!),
            ServerJsonContext.Default.RemoteCaptureResult);
    }
}
