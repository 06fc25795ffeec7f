using Heapdog.Leaks.Tests.Infrastructure;
using Heapdog.Snapshot;
using Heapdog.Snapshot.Paths;

namespace Heapdog.Leaks.Tests;

/// <summary>The retainer paths leak detection shows: the cheapest by edge weight, not the fewest links (docs/leaks.md).</summary>
public sealed class PreferredPathsTests
{
    /// <summary>Edge names from the root to <paramref name="node"/>.</summary>
    private static string Names(HeapSnapshot snapshot, ShortestPaths paths, int node) =>
        string.Join(".", paths.PathTo(node).Skip(1).Select(step => snapshot.EdgeName(step.Edge)));

    [Fact]
    public void ComputePreferred_StackRootsAndCodeAgainstProperties_TakesTheProperties()
    {
        // Only root categories hold the Map (nothing from global), so DevTools' search finds it from the root:
        // (root) --[2]--> (Handle scope) --[0]--> App --registry--> Registry --cache--> Map   (4 links, properties)
        // (root) --[1]--> (Stack roots) --[0]--> code --deoptimization_literals--> Map        (3 links, engine's)
        // Breadth-first takes the 3 links; the preferred path the properties.
        var heap = new HeapBuilder();
        int handleScope = heap.Add("synthetic", "(Handle scope)", 3);
        int app = heap.Add("object", "App", 5, 40);
        int registry = heap.Add("object", "Registry", 7, 40);
        int map = heap.Add("object", "Map", 9, 40);
        int stackRoots = heap.Add("synthetic", "(Stack roots)", 11);
        int code = heap.Add("code", "system / Code", 13, 64);
        heap.Edge(HeapBuilder.Root, "element", "1", stackRoots).Element(stackRoots, 0, code).Edge(code, "internal", "deoptimization_literals", map);
        heap.Edge(HeapBuilder.Root, "element", "2", handleScope).Element(handleScope, 0, app)
            .Edge(app, "property", "registry", registry).Edge(registry, "property", "cache", map);
        var snapshot = heap.Build();

        ShortestPaths.Compute(snapshot).Depth(map).ShouldBe(3);
        var preferred = ShortestPaths.ComputePreferred(snapshot);
        Names(snapshot, preferred, map).ShouldBe("2.0.registry.cache");
        preferred.Depth(map).ShouldBe(4);
    }

    [Fact]
    public void ComputePreferred_EqualPenalties_KeepsTheShortest()
    {
        // (root) --global--> Global --a--> A --b--> B --map--> Map
        //                    Global --direct--> Map
        // Both are property paths: the one link wins.
        var heap = new HeapBuilder();
        int global = heap.Add("object", "Global", 3, 100);
        int a = heap.Add("object", "A", 5, 40);
        int b = heap.Add("object", "B", 7, 40);
        int map = heap.Add("object", "Map", 9, 40);
        heap.Edge(HeapBuilder.Root, "shortcut", "global", global).Edge(global, "property", "a", a).Edge(a, "property", "b", b)
            .Edge(b, "property", "map", map).Edge(global, "property", "direct", map);
        var snapshot = heap.Build();

        Names(snapshot, ShortestPaths.ComputePreferred(snapshot), map).ShouldBe("global.direct");
    }

    [Fact]
    public void ComputePreferred_ListenerRegistryAgainstAnotherFunction_TakesTheOtherFunction()
    {
        // A module's variable `sentEvents`, reached through two of the module's closures:
        // (root) --global--> Global --process--> process --_events--> Object --SIGTERM--> closure --context--> Context --sentEvents--> Array
        // (root) --global--> Global --timers--> Timers --[0]--> Timeout --_onTimeout--> closure --context--> (same Context)
        // Same length; the listener registry costs more, so the timer's function leads there.
        var heap = new HeapBuilder();
        int global = heap.Add("object", "Global", 3, 100);
        int process = heap.Add("object", "process", 5, 40);
        int events = heap.Add("object", "Object", 7, 40);
        int onSignal = heap.Add("closure", "onSignal", 9, 32);
        int timers = heap.Add("object", "Timers", 11, 40);
        int timeout = heap.Add("object", "Timeout", 13, 40);
        int onTimeout = heap.Add("closure", "tick", 15, 32);
        int context = heap.Add("object", "system / Context", 17, 40);
        int array = heap.Add("object", "Array", 19, 32);
        heap.Edge(HeapBuilder.Root, "shortcut", "global", global)
            .Edge(global, "property", "process", process).Edge(process, "property", "_events", events)
            .Edge(events, "property", "SIGTERM", onSignal).Edge(onSignal, "internal", "context", context)
            .Edge(global, "property", "timers", timers).Element(timers, 0, timeout)
            .Edge(timeout, "property", "_onTimeout", onTimeout).Edge(onTimeout, "internal", "context", context)
            .Edge(context, "context", "sentEvents", array);
        var snapshot = heap.Build();

        Names(snapshot, ShortestPaths.ComputePreferred(snapshot), array).ShouldBe("global.timers.0._onTimeout.context.sentEvents");
    }
}
