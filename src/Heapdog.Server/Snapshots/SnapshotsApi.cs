using System.Globalization;
using Heapdog.Monitoring.Store;
using Heapdog.Server.Hosting;
using Heapdog.Server.Jobs;
using Heapdog.Workflows.Errors;
using Heapdog.Workflows.Formatting;
using Heapdog.Workflows.Json;
using Heapdog.Workflows.Leaks;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Diff;
using Heapdog.Workflows.Reports.Dominators;
using Heapdog.Workflows.Reports.Inspect;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Reports.Paths;
using Heapdog.Workflows.Reports.Strings;
using Heapdog.Workflows.Snapshots;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Microsoft.OpenApi;

namespace Heapdog.Server.Snapshots;

/// <summary>The snapshot library and the analyses of its snapshots (docs/api.md). Every analysis answers with the
/// report the matching command prints with <c>--json</c>: the same workflow builds both.</summary>
public static class SnapshotsApi
{
    // The ranges of the query parameters: a count of rows (top, 0 = all; an offset in rows, up to a thousand times
    // that), a list of objects or children, retainer paths, and the depth of a dominator tree (each level multiplies
    // what is sent by the width).
    private const int MaxCount = 1_000_000, MaxList = 10_000, MaxPaths = 100, MaxDepth = 32;

    public static void MapSnapshots(this IEndpointRouteBuilder app, SnapshotLibrary library, long maxUploadBytes)
    {
        var api = app.MapGroup("/api").WithTags("snapshots").WithProblems();
        api.MapGet("/snapshots", () => TypedResults.Ok(library.All().Select(s => SnapshotView.Of(s, library)).ToList()))
            .WithSummary("Every snapshot the server keeps, newest first");

        api.MapGet("/snapshots/{id:digits}", Results<Ok<SnapshotView>, ProblemHttpResult> (long id) =>
            library.Find(id) is { } s ? TypedResults.Ok(SnapshotView.Of(s, library)) : NoSnapshot(id))
            .WithSummary("One snapshot");

        api.MapPost("/snapshots", async Task<Results<Accepted<UploadAccepted>, ProblemHttpResult>> (HttpRequest request, string? name, CancellationToken ct) =>
        {
            string label = string.IsNullOrWhiteSpace(name) ? "upload.heapsnapshot" : name;
            // Only the raw file: a browser form (text/plain, multipart/form-data) cannot send this type without asking.
            if (!IsOctetStream(request.ContentType))
                return Problems.Of(StatusCodes.Status415UnsupportedMediaType,
                    $"send the snapshot as the raw body with 'Content-Type: application/octet-stream', got {(request.ContentType is { Length: > 0 } type ? $"'{type}'" : "no Content-Type")}");
            if (request.ContentLength > maxUploadBytes)
                return Problems.Of(StatusCodes.Status413PayloadTooLarge,
                    $"upload of {request.ContentLength} bytes is larger than the limit of {Format.Size(maxUploadBytes)} (--max-upload)", ErrorKind.TooLarge);
            StoredSnapshot record;
            try
            {
                record = await library.ReceiveAsync(request.Body, label, maxUploadBytes, ct);
            }
            catch (HeapdogException e)
            {
                return Problems.Of(e);
            }
            var job = library.StartAnalysis(record);
            return TypedResults.Accepted($"/api/jobs/{job.Id}", new UploadAccepted(SnapshotView.Of(library.Find(record.Id) ?? record, library), job.View()));
        }).WithSummary("Upload a .heapsnapshot (the body, as application/octet-stream), streamed to disk, then analysed by a job")
          .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
          .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
          // Documented here rather than with Accepts<T>, whose content-type matching answers other types with no route
          // instead of the 415 above.
          .AddOpenApiOperationTransformer((operation, _, _) =>
          {
              operation.RequestBody = new OpenApiRequestBody
              {
                  Required = true,
                  Description = "The .heapsnapshot file, as it is",
                  Content = new Dictionary<string, OpenApiMediaType>
                  {
                      ["application/octet-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } },
                  },
              };
              return Task.CompletedTask;
          });

        api.MapDelete("/snapshots/{id:digits}", Results<NoContent, ProblemHttpResult> (long id) =>
            library.Delete(id) ? TypedResults.NoContent() : NoSnapshot(id))
            .WithSummary("Delete a snapshot, its file and its record");

        api.MapPost("/snapshots/{id:digits}/analyze", Results<Accepted<JobAccepted>, ProblemHttpResult> (long id) =>
            library.Find(id) is { } s ? JobsApi.Accepted(library.StartAnalysis(s)) : NoSnapshot(id))
            .WithSummary("Analyse (again) a snapshot");

        api.MapGet("/snapshots/{id:digits}/summary", (long id, int? top, string? sort, string? filter, int? objects) =>
            WithAnalysis(library, id, loaded =>
            {
                var summarySort = SummarySort.Retained;
                if (sort is not null && !Enum.TryParse(sort, ignoreCase: true, out summarySort))
                    throw new HeapdogException(ErrorKind.BadRequest,
                        $"sort must be one of {string.Join(", ", Enum.GetNames<SummarySort>()).ToLowerInvariant()}, got '{sort}'");
                var query = new AnalyzeQuery(top ?? 0, summarySort, filter, objects ?? 20);
                return AnalyzeResult.Build(loaded.Analysis, query, loaded.Record.File, TimeSpan.Zero, TimeSpan.Zero);
            })).InRange("top", 0, MaxCount).InRange("objects", 0, MaxList).WithSummary("The Summary and Statistics (heapdog analyze --json)");

        api.MapGet("/snapshots/{id:digits}/classes/objects", (long id, string classKey, int? offset, int? limit) =>
            WithAnalysis(library, id, loaded => ClassObjects(loaded, classKey, offset ?? 0, limit ?? 100)))
            .InRange("offset", 0, MaxCount * 1000).InRange("limit", 1, MaxList).WithSummary("The objects of one class, largest retained size first");

        api.MapGet("/snapshots/{id:digits}/compare", (long id, long @base) =>
            library.Loaded(@base) is null && library.Find(@base) is null ? NoSnapshot(@base)
            : WithAnalysis(library, id, target => library.Loaded(@base) is { } baseline
                ? DiffResult.Build(baseline.Digest, target.Digest, new DiffQuery(0), $"snapshot {@base}", $"snapshot {id}")
                : throw new AnalysisPending(library, @base)))
            .InRange("base", 1, long.MaxValue).WithSummary("Comparison with a base snapshot (heapdog diff --json)");

        api.MapGet("/snapshots/{id:digits}/objects/{nodeId}", (long id, string nodeId, int? limit) =>
            WithAnalysis(library, id, loaded => InspectResult.Build(loaded.Analysis, loaded.Record.Name, nodeId, limit ?? 100)))
            .InRange("limit", 0, MaxList).WithSummary("One object: its edges, retainers and dominators (heapdog inspect --json)");

        api.MapGet("/snapshots/{id:digits}/objects/{nodeId}/paths", (long id, string nodeId, int? k, [FromQuery] string[]? ignore = null, CancellationToken ct = default) =>
            WithAnalysis(library, id, loaded => PathsResult.Build(loaded.Analysis, loaded.Record.Name, nodeId, k ?? 5, ignore ?? [], ct)))
            .InRange("k", 1, MaxPaths).WithSummary("Shortest retainer paths from the GC roots (heapdog paths --json)");

        api.MapGet("/snapshots/{id:digits}/dominators", (long id, string? of, int? depth, int? width) =>
            WithAnalysis(library, id, loaded =>
            {
                var a = loaded.Analysis;
                int root = of is null ? a.RootOrdinal : ObjectId.Resolve(a, of, loaded.Record.Name);
                return DominatorsResult.Build(a, root, depth ?? 1, width ?? 20);
            }))
            .InRange("depth", 1, MaxDepth).InRange("width", 1, MaxList).WithSummary("The dominator tree, from the root or from an object (heapdog dominators --json)");

        api.MapGet("/snapshots/{id:digits}/strings", (long id, int? top) =>
            WithAnalysis(library, id, loaded => StringsResult.Build(loaded.Analysis, top ?? 50)))
            .InRange("top", 0, MaxCount).WithSummary("Duplicated strings (heapdog strings --json)");

        api.MapGet("/leaks", Results<Ok<LeaksResult>, Accepted<JobAccepted>, ProblemHttpResult> (string snapshots, int? top, JobBoard jobs, CancellationToken ct) =>
            Leaks(library, jobs, snapshots, top ?? 10, ct))
            .InRange("top", 0, MaxCount).WithSummary("Leak suspects over snapshots of one process, oldest first (heapdog leaks --json)");
    }

    private static bool IsOctetStream(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && parsed.MediaType.Equals("application/octet-stream", StringComparison.OrdinalIgnoreCase);

    public static ProblemHttpResult NoSnapshot(long id) => Problems.NotFound($"no snapshot {id}");

    /// <summary>Runs <paramref name="view"/> on the snapshot's analysis. A snapshot not analysed (or no longer in
    /// memory) gets its analysis started and a 409 naming the job to wait for; one that cannot be analysed, a 422.</summary>
    private static Results<Ok<T>, ProblemHttpResult> WithAnalysis<T>(SnapshotLibrary library, long id, Func<LoadedSnapshot, T> view)
    {
        try
        {
            if (library.Loaded(id) is { } loaded) return TypedResults.Ok(view(loaded));
            throw new AnalysisPending(library, id);
        }
        catch (HeapdogException e)
        {
            return Problems.Of(e);
        }
        catch (AnalysisPending pending)
        {
            return pending.Answer();
        }
    }

    /// <summary>A snapshot whose analysis is not in memory: the answer says what to wait for.</summary>
    private sealed class AnalysisPending(SnapshotLibrary library, long id) : Exception
    {
        public ProblemHttpResult Answer()
        {
            var record = library.Find(id);
            if (record is null) return NoSnapshot(id);
            if (record.State == SnapshotState.Failed && library.AnalysisJob(id) is null)
                return Problems.Of(StatusCodes.Status422UnprocessableEntity, $"snapshot {id} could not be analysed: {record.Error}", ErrorKind.Malformed,
                    [new("state", SnapshotState.Failed)]);
            var job = library.StartAnalysis(record);
            return Problems.Of(StatusCodes.Status409Conflict, $"snapshot {id} is being analysed; wait for job {job.Id}", null,
                [new("state", SnapshotState.Analysing), new("jobId", job.Id)]);
        }
    }

    private static ClassObjectsView ClassObjects(LoadedSnapshot loaded, string classKey, int offset, int limit)
    {
        var a = loaded.Analysis;
        var heapClass = a.Classes.FirstOrDefault(c => c.Key == classKey)
            ?? throw new HeapdogException(ErrorKind.NotFound, $"no class with key '{classKey}' in snapshot {loaded.Record.Id}");
        var members = new List<int>();
        for (int v = 0; v < a.ClassOf.Length; v++)
            if (a.ClassOf[v] == heapClass.Index) members.Add(v);
        members.Sort((x, y) => a.RetainedSizes[y].CompareTo(a.RetainedSizes[x]));
        return new ClassObjectsView(heapClass.Key, heapClass.Name, members.Count, offset,
            members.Skip(offset).Take(limit).Select(v => HeapObject.Of(a, v)).ToList());
    }

    private static Results<Ok<LeaksResult>, Accepted<JobAccepted>, ProblemHttpResult> Leaks(SnapshotLibrary library, JobBoard jobs, string idsText,
        int top, CancellationToken ct)
    {
        var records = new List<StoredSnapshot>();
        foreach (var part in idsText.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
                return Problems.BadRequest($"snapshots must be ids separated by commas, got '{part}'");
            if (library.Find(id) is not { } record) return NoSnapshot(id);
            if (record.State == SnapshotState.Failed)
                return Problems.Of(StatusCodes.Status422UnprocessableEntity, $"snapshot {id} could not be analysed: {record.Error}", ErrorKind.Malformed);
            records.Add(record);
        }
        if (records.Count < 2) return Problems.BadRequest("leaks need two or more snapshots, oldest first");
        if (!records.All(r => library.Loaded(r.Id) is not null))
        {
            var job = jobs.Start("leaks", records[0].ProcessId, (job, token) =>
            {
                foreach (var r in records) job.AddSnapshot(r.Id);
                return Task.FromResult<string?>(ReportJson.Serialize(Report(library, records, top, job, token), HeapdogJsonContext.Default.LeaksResult));
            });
            return JobsApi.Accepted(job);
        }
        try
        {
            return TypedResults.Ok(Report(library, records, top, null, ct));
        }
        catch (HeapdogException e)
        {
            return Problems.Of(e);
        }
    }

    /// <summary>The leak report over snapshots of the library, oldest first. Snapshots not in memory are analysed on
    /// the way (only inside a job), one at a time, so any number fits.</summary>
    /// <remarks>Source maps are read through <c>/proc/PID/root</c> of <paramref name="pid"/> when the snapshots are of
    /// a live process, else from this machine's files.</remarks>
    public static LeaksResult Report(SnapshotLibrary library, IReadOnlyList<StoredSnapshot> records, int top, Job? job, CancellationToken ct,
        double from = 0, double to = 1, int? pid = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        double step = (to - from) / Math.Max(1, records.Count);
        var report = LeakFinder.Find(records.Count, i =>
        {
            var record = records[i];
            var loaded = library.Loaded(record.Id)
                ?? (job is null
                    ? throw new InvalidOperationException($"snapshot {record.Id} is not in memory")
                    : library.Analyze(record, job, ct, from + step * i, from + step * (i + 0.9)));
            job?.Report($"comparing snapshot {i + 1} of {records.Count}", from + step * (i + 0.9));
            return new LeakInput(loaded.Analysis, loaded.Digest, record.Id.ToString(CultureInfo.InvariantCulture));
        }, job is null ? Workflows.Progress.WorkProgress.Quiet : new JobProgress(job, to, to), ct);
        return LeaksResult.Build(report, top, clock.Elapsed, Workflows.SourceMaps.SourceMapResolver.ForProcess(pid));
    }
}
