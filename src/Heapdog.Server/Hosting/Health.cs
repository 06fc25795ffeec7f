namespace Heapdog.Server.Hosting;

/// <summary><c>GET /api/health</c>: whether the server runs, and what it serves. <see cref="Store"/> says whether the
/// watcher's samples are being recorded (added after the first fields: fields are only ever added).</summary>
public sealed record Health(string Version, long StartedMs, string Db, string SnapshotsDir, int Watching, StoreHealth Store);

/// <summary>Whether the store takes writes. While it does not (<c>"disk full"</c>, <c>"read-only"</c>,
/// <c>"I/O error"</c>), the server keeps serving what it holds, samples are not recorded, and the watcher retries now and
/// then; <see cref="SinceMs"/> is when writes started failing and <see cref="Message"/> the error naming the file.
/// <see cref="Kind"/> is the store's engine, <c>"sqlite"</c> or <c>"postgresql"</c> (added with <c>--store</c>).</summary>
public sealed record StoreHealth(bool Writable, string? Reason, long? SinceMs, string? Message, string Kind);
