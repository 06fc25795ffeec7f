namespace Heapdog.Server.Processes;

/// <summary>The limit a process meets first, in bytes: <c>heap</c> (V8's), <c>cgroup</c> or <c>host</c> (its memory).</summary>
public sealed record ProcessLimit(long Bytes, string Kind);
