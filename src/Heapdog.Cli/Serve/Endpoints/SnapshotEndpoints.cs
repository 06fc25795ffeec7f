using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using System.Globalization;
using System.Text.Json;
using Heapdog.Cli.CommandLine;
using Heapdog.Cli.Reports;
using Heapdog.Cli.Serve.Jobs;
using Heapdog.Cli.Serve.Snapshots;
using Heapdog.Monitoring.Store;
using Heapdog.Snapshot.Comparison;

namespace Heapdog.Cli.Serve.Endpoints;

/// <summary>The snapshot library and the analyses of its snapshots (docs/api.md). Every analysis answers with the same
/// JSON as the matching command's <c>--json</c>.</summary>
public static class SnapshotEndpoints
{
    public static void Map(WebApplication app, SnapshotLibrary library, long maxUploadBytes)
    {
        var api = app.MapGroup("/api").WithTags("snapshots");
        api.MapGet("/snapshots", () => JsonResults.Of(w =>
        {
            w.WriteStartArray();
            foreach (var s in library.All()) WriteSnapshot(w, s, library);
            w.WriteEndArray();
        })).WithSummary("Every snapshot the server keeps, newest first");

        api.MapGet("/snapshots/{id:long}", (long id) =>
            library.Find(id) is { } s ? JsonResults.Of(w => WriteSnapshot(w, s, library)) : NoSnapshot(id))
            .WithSummary("One snapshot");

        api.MapPost("/snapshots", async (HttpRequest request, string? name, JobBoard jobs, CancellationToken ct) =>
        {
            string label = string.IsNullOrWhiteSpace(name) ? "upload.heapsnapshot" : name;
            if (request.ContentLength > maxUploadBytes)
                return JsonResults.Error(413, $"upload of {request.ContentLength} bytes is larger than the limit of {Output.Format.Size(maxUploadBytes)} (--max-upload)");
            StoredSnapshot record;
            try
            {
                record = await library.ReceiveAsync(request.Body, label, maxUploadBytes, ct);
            }
            catch (HeapdogException e)
            {
                int status = e.ExitCode switch { ExitCodes.BadInput => 400, ExitCodes.Refused => 413, _ => 507 };
                return JsonResults.Error(status, e.Message);
            }
            var job = library.StartAnalysis(record);
            return JsonResults.Of(w =>
            {
                w.WriteStartObject();
                w.WritePropertyName("snapshot");
                WriteSnapshot(w, library.Find(record.Id) ?? record, library);
                w.WritePropertyName("job");
                job.Write(w);
                w.WriteEndObject();
            }, 202);
        }).WithSummary("Upload a .heapsnapshot (the body), streamed to disk, then analysed by a job");

        api.MapDelete("/snapshots/{id:long}", (long id) => library.Delete(id) ? Results.NoContent() : NoSnapshot(id))
            .WithSummary("Delete a snapshot, its file and its record");

        api.MapPost("/snapshots/{id:long}/analyze", (long id) =>
            library.Find(id) is { } s ? JobAccepted(library.StartAnalysis(s)) : NoSnapshot(id))
            .WithSummary("Analyse (again) a snapshot");

        api.MapGet("/snapshots/{id:long}/summary", (long id, int? top, string? sort, string? filter, int? objects) =>
            WithAnalysis(library, id, loaded =>
            {
                var summarySort = SummarySort.Retained;
                if (sort is not null && !Enum.TryParse(sort, ignoreCase: true, out summarySort))
                    return JsonResults.Error(400, $"sort must be one of {string.Join(", ", Enum.GetNames<SummarySort>()).ToLowerInvariant()}, got '{sort}'");
                var options = new AnalyzeOptions(new FileInfo(loaded.Record.File), top ?? 0, summarySort, filter, objects ?? 20, Json: true);
                if (options.Top < 0 || options.Objects < 0) return JsonResults.Error(400, "top and objects must be 0 or more");
                var output = new StringWriter();
                AnalyzeReport.Build(loaded.Analysis, options, loaded.Record.File, TimeSpan.Zero, TimeSpan.Zero).WriteJson(output);
                return JsonResults.Raw(output.ToString());
            })).WithSummary("The Summary and Statistics (heapdog analyze --json)");

        api.MapGet("/snapshots/{id:long}/classes/objects", (long id, string classKey, int? offset, int? limit) =>
            WithAnalysis(library, id, loaded => ClassObjects(loaded, classKey, offset ?? 0, limit ?? 100)))
            .WithSummary("The objects of one class, largest retained size first");

        api.MapGet("/snapshots/{id:long}/compare", (long id, long @base) =>
            WithAnalysis(library, @base, baseline => WithAnalysis(library, id, target =>
                JsonResults.FromCommand(context =>
                {
                    DigestLoader.EnsureComparable(baseline.Digest, target.Digest);
                    var rows = SnapshotDiff.Compare(baseline.Digest, target.Digest);
                    var options = new DiffOptions(new FileInfo(baseline.Record.File), new FileInfo(target.Record.File), 0, DiffSort.SizeDelta, null, Json: true);
                    new DiffReport(baseline.Digest, target.Digest, rows, options).WriteJson(context.Out);
                    return 0;
                }))))
            .WithSummary("Comparison with a base snapshot (heapdog diff --json)");

        api.MapGet("/snapshots/{id:long}/objects/{nodeId}", (long id, string nodeId, int? limit) =>
            WithAnalysis(library, id, loaded => JsonResults.FromCommand(context =>
                InspectCommand.Report(context, loaded.Analysis, loaded.Record.Name, nodeId, limit ?? 100, json: true))))
            .WithSummary("One object: its edges, retainers and dominators (heapdog inspect --json)");

        api.MapGet("/snapshots/{id:long}/objects/{nodeId}/paths", (long id, string nodeId, int? k, string[]? ignore, CancellationToken ct) =>
            WithAnalysis(library, id, loaded => JsonResults.FromCommand(context =>
                PathsCommand.Report(context, loaded.Analysis, loaded.Record.Name, nodeId, k ?? 5, ignore ?? [], json: true, ct))))
            .WithSummary("Shortest retainer paths from the GC roots (heapdog paths --json)");

        api.MapGet("/snapshots/{id:long}/dominators", (long id, string? of, int? depth, int? width) =>
            WithAnalysis(library, id, loaded => JsonResults.FromCommand(context =>
            {
                int root = of is null ? loaded.Analysis.RootOrdinal : ObjectId.Resolve(loaded.Analysis, of, loaded.Record.Name);
                return DominatorsCommand.Report(context, loaded.Analysis, loaded.Record.Name, root, depth ?? 1, width ?? 20, json: true);
            })))
            .WithSummary("The dominator tree, from the root or from an object (heapdog dominators --json)");

        api.MapGet("/snapshots/{id:long}/strings", (long id, int? top) =>
            WithAnalysis(library, id, loaded => JsonResults.FromCommand(context =>
                StringsCommand.Report(context, loaded.Analysis, loaded.Record.Name, top ?? 50, json: true))))
            .WithSummary("Duplicated strings (heapdog strings --json)");

        api.MapGet("/leaks", (string snapshots, int? top, JobBoard jobs, CancellationToken ct) => Leaks(library, jobs, snapshots, top ?? 10, ct))
            .WithSummary("Leak suspects over snapshots of one process, oldest first (heapdog leaks --json)");
    }

    public static IResult NoSnapshot(long id) => JsonResults.Error(404, $"no snapshot {id}");

    public static IResult JobAccepted(Job job) => JsonResults.Of(w =>
    {
        w.WriteStartObject();
        w.WritePropertyName("job");
        job.Write(w);
        w.WriteEndObject();
    }, 202);

    /// <summary>Runs <paramref name="view"/> on the snapshot's analysis; a snapshot not analysed (or no longer in
    /// memory) gets its analysis started and a 409 naming the job to wait for.</summary>
    private static IResult WithAnalysis(SnapshotLibrary library, long id, Func<LoadedSnapshot, IResult> view)
    {
        if (library.Loaded(id) is { } loaded) return view(loaded);
        var record = library.Find(id);
        if (record is null) return NoSnapshot(id);
        if (record.State == SnapshotState.Failed && library.AnalysisJob(id) is null)
            return JsonResults.Error(422, $"snapshot {id} could not be analysed: {record.Error}", w => w.WriteString("state", SnapshotState.Failed));
        var job = library.StartAnalysis(record);
        return JsonResults.Error(409, $"snapshot {id} is being analysed; wait for job {job.Id}", w =>
        {
            w.WriteString("state", SnapshotState.Analysing);
            w.WriteNumber("jobId", job.Id);
        });
    }

    private static IResult ClassObjects(LoadedSnapshot loaded, string classKey, int offset, int limit)
    {
        var a = loaded.Analysis;
        var heapClass = a.Classes.FirstOrDefault(c => c.Key == classKey);
        if (heapClass is null) return JsonResults.Error(404, $"no class with key '{classKey}' in snapshot {loaded.Record.Id}");
        if (offset < 0 || limit is < 1 or > 10_000) return JsonResults.Error(400, "offset must be 0 or more and limit between 1 and 10000");
        var members = new List<int>();
        for (int v = 0; v < a.ClassOf.Length; v++)
            if (a.ClassOf[v] == heapClass.Index) members.Add(v);
        members.Sort((x, y) => a.RetainedSizes[y].CompareTo(a.RetainedSizes[x]));
        return JsonResults.Of(w =>
        {
            w.WriteStartObject();
            w.WriteString("classKey", heapClass.Key);
            w.WriteString("className", heapClass.Name);
            w.WriteNumber("count", members.Count);
            w.WriteNumber("offset", offset);
            w.WriteStartArray("objects");
            foreach (int v in members.Skip(offset).Take(limit)) NodeText.WriteObject(w, a, v);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }

    private static IResult Leaks(SnapshotLibrary library, JobBoard jobs, string idsText, int top, CancellationToken ct)
    {
        var records = new List<StoredSnapshot>();
        foreach (var part in idsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
                return JsonResults.Error(400, $"snapshots must be ids separated by commas, got '{part}'");
            if (library.Find(id) is not { } record) return NoSnapshot(id);
            if (record.State == SnapshotState.Failed) return JsonResults.Error(422, $"snapshot {id} could not be analysed: {record.Error}");
            records.Add(record);
        }
        if (records.Count < 2) return JsonResults.Error(400, "leaks need two or more snapshots, oldest first");
        if (!LeakHunt.AllLoaded(library, records))
        {
            var job = jobs.Start("leaks", records[0].ProcessId, (job, token) =>
            {
                foreach (var r in records) job.AddSnapshot(r.Id);
                return Task.FromResult<string?>(LeakHunt.Run(library, records, top, job, token));
            });
            return JobAccepted(job);
        }
        try
        {
            return JsonResults.Raw(LeakHunt.Run(library, records, top, null, ct));
        }
        catch (HeapdogException e)
        {
            return JsonResults.Error(JsonResults.StatusOf(e.ExitCode), e.Message);
        }
    }

    public static void WriteSnapshot(Utf8JsonWriter w, StoredSnapshot s, SnapshotLibrary library)
    {
        w.WriteStartObject();
        w.WriteNumber("id", s.Id);
        w.WriteString("name", s.Name);
        w.WriteNumber("bytes", s.Bytes);
        w.WriteNumber("createdMs", s.CreatedMs);
        if (s.ProcessId is long p) w.WriteNumber("processId", p); else w.WriteNull("processId");
        if (s.Pid is int pid) w.WriteNumber("pid", pid); else w.WriteNull("pid");
        w.WriteString("source", s.Source);
        w.WriteString("state", s.State);
        if (s.Error is not null) w.WriteString("error", s.Error); else w.WriteNull("error");
        if (library.AnalysisJob(s.Id) is { } job) w.WriteNumber("jobId", job.Id); else w.WriteNull("jobId");
        Nullable(w, "nodeCount", s.NodeCount);
        Nullable(w, "edgeCount", s.EdgeCount);
        Nullable(w, "totalSize", s.TotalSize);
        w.WriteEndObject();
    }

    private static void Nullable(Utf8JsonWriter w, string name, long? value)
    {
        if (value is long v) w.WriteNumber(name, v); else w.WriteNull(name);
    }
}
