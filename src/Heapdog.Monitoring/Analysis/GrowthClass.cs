namespace Heapdog.Monitoring.Analysis;

/// <summary>Where the memory growth is. JSON names: <c>js-heap</c>, <c>off-heap</c>, <c>both</c>, <c>none</c>,
/// <c>unknown</c> (resident memory grows but the heap/native split could not be read).</summary>
public enum GrowthClass { None, JsHeap, OffHeap, Both, Unknown }
