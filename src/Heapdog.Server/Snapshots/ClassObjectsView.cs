using Heapdog.Workflows.Reports.Objects;

namespace Heapdog.Server.Snapshots;

/// <summary>The objects of one class, largest retained size first, a page at a time.</summary>
public sealed record ClassObjectsView(string ClassKey, string ClassName, int Count, int Offset, IReadOnlyList<HeapObject> Objects);
