using System.ComponentModel;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using Heapdog.Snapshot.Comparison;
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

namespace Heapdog.Mcp;

/// <summary>
/// Tools over <c>.heapsnapshot</c> files: each answers with the JSON of the matching command's <c>--json</c>
/// (docs/*.md), bounded (top N with totals, <c>@id</c>s to drill into), never a whole snapshot. They only read.
/// </summary>
[McpServerToolType]
public sealed class SnapshotTools(SnapshotCache cache)
{
    [McpServerTool(Name = "analyze", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("What fills a heap snapshot: DevTools' statistics, the largest classes by retained size (Summary), and the largest objects. Start here with a .heapsnapshot file; never read the file itself. Same JSON as `heapdog analyze --json`.")]
    public string Analyze(
        [Description("Path of a .heapsnapshot file")] string file,
        [Description("How many classes to list")] int top = 20,
        [Description("Only classes whose name contains this text (case-insensitive)")] string? filter = null,
        [Description("How many of the largest objects to list")] int objects = 10,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
            ReportJson.SerializeCompact(AnalyzeResult.Build(cache.Open(file, new ToolProgress(progress), cancellation),
                new AnalyzeQuery(Math.Max(1, top), SummarySort.Retained, filter, objects), file, TimeSpan.Zero, TimeSpan.Zero)));

    [McpServerTool(Name = "diff", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Compare two snapshots of ONE process (the earlier first) class by class: # new, # deleted, size delta, retained-size delta. Same JSON as `heapdog diff --json`.")]
    public string Diff(
        [Description("The earlier snapshot")] string baseFile,
        [Description("The later snapshot of the same process")] string targetFile,
        [Description("How many classes to list, largest change first")] int top = 20,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
        {
            var work = new ToolProgress(progress);
            var @base = SnapshotDigest.Create(cache.Open(baseFile, work, cancellation), baseFile);
            var target = SnapshotDigest.Create(cache.Open(targetFile, work, cancellation), targetFile);
            return ReportJson.SerializeCompact(DiffResult.Build(@base, target, new DiffQuery(Math.Max(1, top))));
        });

    [McpServerTool(Name = "leaks", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Name what leaks from 2+ snapshots of one process, oldest first: suspects ranked by severity, with what grows, the object that accumulates it (its @id, in the LAST snapshot), the retainer path and the source line. Same JSON as `heapdog leaks --json`.")]
    public string Leaks(
        [Description("Two or more .heapsnapshot files of one process, oldest first")] string[] files,
        [Description("How many suspects to list")] int top = 5,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var work = new ToolProgress(progress);
            var report = LeakFinder.Find(files.Length, i =>
            {
                var analysis = cache.Open(files[i], work, cancellation);
                return new LeakInput(analysis, SnapshotDigest.Create(analysis, files[i]), $"'{files[i]}'");
            }, work, cancellation);
            return ReportJson.SerializeCompact(LeaksResult.Build(report, Math.Max(1, top), clock.Elapsed));
        });

    [McpServerTool(Name = "inspect", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("One object by its @id: type, class, sizes, source location, its outgoing edges, its retainers (what holds it) and its dominator chain. Same JSON as `heapdog inspect --json`.")]
    public string Inspect(
        [Description("Path of the .heapsnapshot file the id comes from")] string file,
        [Description("The object's id, as @123 or 123")] string id,
        [Description("How many edges and retainers to list")] int limit = 20,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
            ReportJson.SerializeCompact(InspectResult.Build(cache.Open(file, new ToolProgress(progress), cancellation), file, id, Math.Max(1, limit))));

    [McpServerTool(Name = "paths", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The shortest retainer paths from the GC roots to an object (weak edges excluded), each through a different direct retainer: why it is still alive. Same JSON as `heapdog paths --json`.")]
    public string Paths(
        [Description("Path of the .heapsnapshot file")] string file,
        [Description("The object's id, as @123 or 123")] string id,
        [Description("How many paths")] int k = 3,
        [Description("Object ids to cut out of every path (DevTools' 'ignore this retainer')")] string[]? ignore = null,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
            ReportJson.SerializeCompact(PathsResult.Build(cache.Open(file, new ToolProgress(progress), cancellation), file, id, k, ignore ?? [], cancellation)));

    [McpServerTool(Name = "dominators", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The dominator tree from the root (or from an object): what keeps the most memory alive, largest first. Same JSON as `heapdog dominators --json`.")]
    public string Dominators(
        [Description("Path of the .heapsnapshot file")] string file,
        [Description("Start from this object (@id) instead of the root")] string? of = null,
        [Description("Levels below the start")] int depth = 2,
        [Description("Children per object, largest first")] int width = 8,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
        {
            var a = cache.Open(file, new ToolProgress(progress), cancellation);
            int root = of is null ? a.RootOrdinal : ObjectId.Resolve(a, of, file);
            return ReportJson.SerializeCompact(DominatorsResult.Build(a, root, depth, width));
        });

    [McpServerTool(Name = "strings", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("Strings held many times over, and the bytes the extra copies waste. Same JSON as `heapdog strings --json`.")]
    public string Strings(
        [Description("Path of the .heapsnapshot file")] string file,
        [Description("How many strings to list")] int top = 20,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
            ReportJson.SerializeCompact(StringsResult.Build(cache.Open(file, new ToolProgress(progress), cancellation), Math.Max(1, top))));

    [McpServerTool(Name = "class_objects", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("The instances of a class (\"show me the Session objects\"), largest retained size first, with their @ids to inspect.")]
    public string ClassObjects(
        [Description("Path of the .heapsnapshot file")] string file,
        [Description("The class name as analyze shows it (exact, else any class whose name contains it)")] string className,
        [Description("How many objects to list")] int limit = 20,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
            ReportJson.SerializeCompact(ClassObjectsResult.Build(cache.Open(file, new ToolProgress(progress), cancellation), className, limit)));

    [McpServerTool(Name = "find_strings", ReadOnly = true, Idempotent = true, OpenWorld = false)]
    [Description("String objects whose text contains the given text (a value seen in a log or a request), largest first, with @ids: follow them with inspect or paths to what holds them.")]
    public string FindStrings(
        [Description("Path of the .heapsnapshot file")] string file,
        [Description("Text to look for (case-sensitive)")] string text,
        [Description("How many objects to list")] int limit = 20,
        IProgress<ProgressNotificationValue>? progress = null, CancellationToken cancellation = default) => ToolCall.Run(() =>
            ReportJson.SerializeCompact(StringSearchResult.Build(cache.Open(file, new ToolProgress(progress), cancellation), text, limit)));
}
