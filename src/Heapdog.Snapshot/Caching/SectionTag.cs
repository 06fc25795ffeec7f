namespace Heapdog.Snapshot.Caching;

/// <summary>What a section of an analysis index holds (the order of the sections is the one AnalysisIndex writes).</summary>
internal enum SectionTag : uint
{
    Info = 1,
    StringChunk,
    StringStarts,
    StringLengths,
    NodeTypes,
    NodeNames,
    NodeIds,
    SelfSizes,
    FirstEdge,
    TraceNodeIds,
    Detachedness,
    EdgeTypes,
    EdgeNames,
    EdgeTargets,
    LocationOrdinals,
    Locations,
    Distances,
    Dominators,
    RetainedSizes32,
    RetainedSizes64,
    ClassOf,
    RetainerFirst,
    RetainerNodes,
    RetainerEssential,
    DominatedFirst,
    DominatedNodes,
}
