namespace Heapdog.Monitoring;

/// <summary>What the Node runtime reports about itself (<c>process.memoryUsage()</c>, <c>v8.getHeapStatistics()</c>,
/// GC performance entries). Bytes; -1 when the runtime did not say.</summary>
public sealed record RuntimeFigures(
    long HeapUsed,
    long HeapTotal,
    long External,
    long ArrayBuffers,
    long HeapSizeLimit,
    long NativeContexts,
    long DetachedContexts,
    long GcCount,
    long GcTimeMs);
