namespace Heapdog.Workflows.Reports.Arm;

/// <summary>
/// <c>heapdog arm --json</c> (docs/arm.md): what the process was told. <see cref="ArmedBy"/> is <c>now</c> (armed by
/// this call), <c>flag</c> (already armed by <c>--heapsnapshot-near-heap-limit</c>; nothing changed) or <c>earlier</c>
/// (armed by an earlier <c>heapdog arm</c>; nothing changed). <see cref="FreeBytes"/> is the free space where the
/// snapshots will land, null when that directory cannot be seen from here.
/// </summary>
public sealed record ArmResult(int SchemaVersion, int? Pid, string ArmedBy, int Count, long HeapLimitBytes, string Directory,
    bool FromDiagnosticDir, long? FreeBytes);
