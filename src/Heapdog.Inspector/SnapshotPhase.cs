namespace Heapdog.Inspector;

public enum SnapshotPhase
{
    /// <summary>Full garbage collection in the target before the snapshot.</summary>
    CollectingGarbage,
    /// <summary>V8 walks the heap (Done/Total are objects); the target is frozen.</summary>
    Building,
    /// <summary>Chunks arrive and go to disk (Done is bytes written).</summary>
    Writing,
}
