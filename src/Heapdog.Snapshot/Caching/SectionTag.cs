namespace Heapdog.Snapshot.Caching;

/// <summary>What a section of an analysis index holds (AnalysisIndex writes and reads them in one fixed order of its own).</summary>
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
