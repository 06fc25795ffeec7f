namespace Heapdog.Server.Hosting;

/// <summary><c>GET /api/health</c>: whether the server runs, and what it serves.</summary>
public sealed record Health(string Version, long StartedMs, string Db, string SnapshotsDir, int Watching);
