using System.Text.Json.Serialization;
using Heapdog.Monitoring.Fleet;
using Heapdog.Workflows.Fleet;
using Heapdog.Workflows.Reports.Analyze;
using Heapdog.Workflows.Reports.Arm;
using Heapdog.Workflows.Reports.Diff;
using Heapdog.Workflows.Reports.Dominators;
using Heapdog.Workflows.Reports.Inspect;
using Heapdog.Workflows.Reports.Hunt;
using Heapdog.Workflows.Reports.Import;
using Heapdog.Workflows.Reports.Leaks;
using Heapdog.Workflows.Reports.Objects;
using Heapdog.Workflows.Reports.Oom;
using Heapdog.Workflows.Reports.Paths;
using Heapdog.Workflows.Reports.Ps;
using Heapdog.Workflows.Reports.Sampling;
using Heapdog.Workflows.Reports.Serve;
using Heapdog.Workflows.Reports.Strings;
using Heapdog.Workflows.Reports.Watch;

namespace Heapdog.Workflows.Json;

/// <summary>
/// The JSON contract of every report, generated at build time (no reflection, so the output can be trimmed and
/// compiled ahead of time). camelCase names in declaration order, indented, absent values as <c>null</c> unless a
/// property says otherwise: the shapes docs/*.md document.
/// </summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(AnalyzeResult))]
[JsonSerializable(typeof(DiffResult))]
[JsonSerializable(typeof(InspectResult))]
[JsonSerializable(typeof(PathsResult))]
[JsonSerializable(typeof(DominatorsResult))]
[JsonSerializable(typeof(StringsResult))]
[JsonSerializable(typeof(LeaksResult))]
[JsonSerializable(typeof(SampleResult))]
[JsonSerializable(typeof(HeapObject))]
[JsonSerializable(typeof(ClassObjectsResult))]
[JsonSerializable(typeof(StringSearchResult))]
[JsonSerializable(typeof(HuntResult))]
[JsonSerializable(typeof(SnapshotTaken))]
[JsonSerializable(typeof(PsResult))]
[JsonSerializable(typeof(OomResult))]
[JsonSerializable(typeof(ImportResult))]
[JsonSerializable(typeof(WatchResult))]
[JsonSerializable(typeof(WatchVerdict))]
[JsonSerializable(typeof(WatchStatusResult))]
[JsonSerializable(typeof(AgentBatch))]
[JsonSerializable(typeof(BatchOutcome))]
[JsonSerializable(typeof(AgentJob))]
[JsonSerializable(typeof(AgentJobUpdate))]
[JsonSerializable(typeof(UploadState))]
[JsonSerializable(typeof(ArmResult))]
[JsonSerializable(typeof(ServeResult))]
public sealed partial class HeapdogJsonContext : JsonSerializerContext;
