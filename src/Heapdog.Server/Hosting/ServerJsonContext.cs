using System.Text.Json.Serialization;
using Heapdog.Server.Actions;
using Heapdog.Server.Agents;
using Heapdog.Server.Fleet;
using Heapdog.Server.Jobs;
using Heapdog.Server.Processes;
using Heapdog.Server.Snapshots;

namespace Heapdog.Server.Hosting;

/// <summary>The JSON contract of the server's own shapes (the reports' is <c>HeapdogJsonContext</c>), generated at build time.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web, WriteIndented = true)]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(StoreHealth))]
[JsonSerializable(typeof(List<DashboardSnapshot>))]
[JsonSerializable(typeof(SnapshotView))]
[JsonSerializable(typeof(List<SnapshotView>))]
[JsonSerializable(typeof(ClassObjectsView))]
[JsonSerializable(typeof(JobView))]
[JsonSerializable(typeof(List<JobView>))]
[JsonSerializable(typeof(JobAccepted))]
[JsonSerializable(typeof(UploadAccepted))]
[JsonSerializable(typeof(CaptureResult))]
[JsonSerializable(typeof(ProcessView))]
[JsonSerializable(typeof(List<ProcessView>))]
[JsonSerializable(typeof(ProcessSeries))]
[JsonSerializable(typeof(ProcessEvent))]
[JsonSerializable(typeof(List<ProcessEvent>))]
[JsonSerializable(typeof(TokenRequest))]
[JsonSerializable(typeof(TokenCreated))]
[JsonSerializable(typeof(List<TokenView>))]
[JsonSerializable(typeof(List<HostView>))]
[JsonSerializable(typeof(RemoteCaptureResult))]
[JsonSerializable(typeof(string))]
public sealed partial class ServerJsonContext : JsonSerializerContext;
