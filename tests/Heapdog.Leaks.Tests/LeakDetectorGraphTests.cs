using Heapdog.Leaks.Tests.Infrastructure;

namespace Heapdog.Leaks.Tests;

/// <summary>
/// The detector's steps on small hand-drawn series of three snapshots (s1, s2, s3 for steps k = 0, 1, 2), no Node
/// process. In every drawing <c>(root)</c> holds <c>Global@3</c> through the shortcut <c>global</c>, objects marked
/// "old" exist from s1 on, and memlab's leaked set is what was born between s1 and s2 and is still alive in s3.
/// </summary>
public sealed class LeakDetectorGraphTests
{
    private const uint GlobalId = 3, StoreId = 101, ArrayId = 103;

    private static (HeapBuilder Heap, int Global) Base()
    {
        var heap = new HeapBuilder();
        int global = heap.Add("object", "Global", GlobalId, 100);
        heap.Edge(HeapBuilder.Root, "shortcut", "global", global);
        return (heap, global);
    }

    /// <summary>Item j has id 10001 + 2j in every snapshot that has it.</summary>
    private static uint ItemId(int j) => (uint)(10_001 + 2 * j);

    /// <summary>
    /// <code>
    /// Global@3 --store--> Store@101 (old) --items--> Array@103 (old) --[j]--> Item j (50 B), j in [from, to)
    /// </code>
    /// </summary>
    private static HeapBuilder StoreWithItems(int from, int to, string itemType = "object", string itemName = "Item")
    {
        var (heap, global) = Base();
        int store = heap.Add("object", "Store", StoreId, 40);
        int array = heap.Add("object", "Array", ArrayId, 32);
        heap.Edge(global, "property", "store", store).Edge(store, "property", "items", array);
        for (int j = from; j < to; j++) heap.Element(array, j - from, heap.Add(itemType, itemName + (itemType == "string" ? j : ""), ItemId(j), 50));
        return heap;
    }

    // ---- grouping -------------------------------------------------------------------------------------------------

    [Fact]
    public void Detect_NewObjectsUnderOneOldArray_MakeOneGroupOfTheObjectsBornBetweenS1AndS2()
    {
        // Array@103 holds items 0..19 in s1, 0..39 in s2, 0..59 in s3 (each item --payload--> a new Payload@).
        //   Global@3 → Store@101 → Array@103 → Item 20..39 → Payload   (leaked: born s1→s2, alive in s3)
        //                                    → Item 40..59 → Payload   (born s2→s3: not in s2, so not leaked)
        // Expected: one suspect at Array@103; 20 items + 20 payloads = 40 new objects, 20 × (50 + 10) bytes.
        var report = HeapBuilder.Detect(k =>
        {
            var heap = StoreWithItems(0, 20 * (k + 1));
            return WithPayloads(heap, 20 * (k + 1));
        });

        var s = report.Suspects.ShouldHaveSingleItem();
        s.AccumulationPoint!.Id.ShouldBe(ArrayId);
        s.NewObjects.ShouldBe(40);
        s.NewBytes.ShouldBe(20 * 60);
        report.NewObjects.ShouldBe(40);
        s.Classes.Select(c => (c.ClassName, c.Count)).ShouldBe([("Item", 20L), ("Payload", 20L)], ignoreOrder: true);
    }

    private static HeapBuilder WithPayloads(HeapBuilder heap, int items)
    {
        // Payload of item j: id 50001 + 2j, 10 B, held by the item's 'payload' property. Items are nodes 4.. in order.
        for (int j = 0; j < items; j++) heap.Edge(4 + j, "property", "payload", heap.Add("object", "Payload", (uint)(50_001 + 2 * j), 10));
        return heap;
    }

    [Fact]
    public void Detect_TwoArraysUnderDifferentProperties_AreTwoSuspects()
    {
        // Store@101 --items--> Array@103 (+20 Items per step) and Store@101 --done--> Array@105 (+12 Jobs per step).
        // The paths differ in their last property (items / done): two accumulation points, two suspects, no merge.
        var report = HeapBuilder.Detect(k =>
        {
            var heap = StoreWithItems(0, 20 * (k + 1));
            int done = heap.Add("object", "Array", 105, 32);
            heap.Edge(2, "property", "done", done);
            for (int j = 0; j < 12 * (k + 1); j++) heap.Element(done, j, heap.Add("object", "Job", (uint)(30_001 + 2 * j), 20));
            return heap;
        });

        report.Suspects.Select(s => (s.AccumulationPoint!.Id, s.NewObjects, s.MergedPoints)).ShouldBe([(ArrayId, 20L, 0), (105u, 12L, 0)], ignoreOrder: true);
    }

    [Fact]
    public void Detect_ItemsInStorageBelowAPlainObject_AreHeldByTheObjectThroughItsProperty()
    {
        // Global@3 --store--> Store@101 (old) --items--> (object elements)@103 (old, V8's storage) --[j]--> Item j
        // Storage is looked through: the point is Store@101, the label the property 'items', and the suspect is
        // an object whose retained size grows.
        var report = HeapBuilder.Detect(k => StoreWithItems(0, 20 * (k + 1)).Retype(3, "array", "(object elements)"));

        var s = report.Suspects.ShouldHaveSingleItem();
        s.AccumulationPoint!.Id.ShouldBe(StoreId);
        s.Kind.ShouldBe(SuspectKind.Object);
        s.PropertyPath.ShouldBe("Global@3.store.items");
        s.Counts.ShouldBeNull();
        s.NewObjects.ShouldBe(20);
    }

    // ---- merging --------------------------------------------------------------------------------------------------

    [Fact]
    public void Detect_TwoPointsWithOnePathShape_MergeIntoTheFasterGrowingOne()
    {
        // Global@3 --clients--> Array@105 (old) --[0]--> Client@107 --log--> Array@109 --[j]--> Entry (+20 per step)
        //                                       --[1]--> Client@111 --log--> Array@113 --[j]--> Entry (+10 per step)
        // Both logs are reached by  global / [] / log : one shape. Expected: one suspect at Array@109 (it grows
        // fastest) with one merged point, counts 20+10, 40+20, 60+30, and 20 + 10 new objects.
        var report = HeapBuilder.Detect(k =>
        {
            var (heap, global) = Base();
            int clients = heap.Add("object", "Array", 105, 32);
            heap.Edge(global, "property", "clients", clients);
            AddClient(heap, clients, 0, 107, 20 * (k + 1), 20_001);
            AddClient(heap, clients, 1, 111, 10 * (k + 1), 40_001);
            return heap;
        });

        var s = report.Suspects.ShouldHaveSingleItem();
        s.AccumulationPoint!.Id.ShouldBe(109u);
        s.MergedPoints.ShouldBe(1);
        s.Counts.ShouldBe([30, 60, 90]);
        s.NewObjects.ShouldBe(30);
    }

    private static void AddClient(HeapBuilder heap, int clients, int slot, uint id, int entries, uint firstEntryId)
    {
        int client = heap.Add("object", "Client", id, 24);
        int log = heap.Add("object", "Array", id + 2, 32);
        heap.Element(clients, slot, client).Edge(client, "property", "log", log);
        for (int j = 0; j < entries; j++) heap.Element(log, j, heap.Add("object", "Entry", firstEntryId + (uint)(2 * j), 40));
    }

    // ---- kinds ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Detect_ArrayThatOnlyGrows_IsACollection()
    {
        // Array@103 holds Items 0..20(k+1): 20, 40, 60 entries, none ever removed.
        // Expected: collection at Store@101.items, counts 20 → 40 → 60, removals 0; high (60 × 50 B is far above 5 %
        // of a heap this small, in both intervals).
        var report = HeapBuilder.Detect(k => StoreWithItems(0, 20 * (k + 1)));

        var s = report.Suspects.ShouldHaveSingleItem();
        s.Kind.ShouldBe(SuspectKind.Collection);
        s.PropertyPath.ShouldBe("Store@101.items");
        s.Title.ShouldBe("Store@101.items");
        s.Counts.ShouldBe([20, 40, 60]);
        s.Removed.ShouldBe([0, 0, 0]);
        s.Severity.ShouldBe(Severity.High);
    }

    [Fact]
    public void Detect_ArrayThatGrowsWhileLosingItsOldestEntries_IsABacklog()
    {
        // s1: Items 0..19, s2: Items 10..49, s3: Items 20..79 (20 → 40 → 60 entries; 10 removed in each interval).
        // Leaked: Items 20..49. Expected: backlog (at most medium), removals 0, 10, 10.
        var report = HeapBuilder.Detect(k => StoreWithItems(10 * k, 10 * k + 20 * (k + 1)));

        var s = report.Suspects.ShouldHaveSingleItem();
        s.Kind.ShouldBe(SuspectKind.Backlog);
        s.Counts.ShouldBe([20, 40, 60]);
        s.Removed.ShouldBe([0, 10, 10]);
        s.Severity.ShouldBe(Severity.Medium);
        s.NewObjects.ShouldBe(30);
    }

    [Fact]
    public void Detect_ArrayOfStrings_IsAnIdArray()
    {
        // Array@103 --[j]--> "id-j" (strings), 20 more per step. Expected: id-array, counts 20 → 40 → 60.
        var report = HeapBuilder.Detect(k => StoreWithItems(0, 20 * (k + 1), "string", "id-"));

        var s = report.Suspects.ShouldHaveSingleItem();
        s.Kind.ShouldBe(SuspectKind.IdArray);
        s.Counts.ShouldBe([20, 40, 60]);
        s.Explanation.ShouldContain("never lost one");
    }

    [Fact]
    public void Detect_ListenerArrayUnderEvents_IsListenersOnTheEmitter()
    {
        // Global@3 --queue--> JobQueue@201 --_events--> Object@203 --error--> Array@205 --[j]--> closure onError j
        // (20 more per step; each created at line 12 of /app/queue.js).
        // Expected: listeners, "'error' listeners on JobQueue@201", counts 20 → 40 → 60, location /app/queue.js:13:1.
        var report = HeapBuilder.Detect(k =>
        {
            var (heap, global) = Base();
            int queue = heap.Add("object", "JobQueue", 201, 40);
            int events = heap.Add("object", "Object", 203, 24);
            int listeners = heap.Add("object", "Array", 205, 32);
            heap.Edge(global, "property", "queue", queue).Edge(queue, "property", "_events", events).Edge(events, "property", "error", listeners);
            for (int j = 0; j < 20 * (k + 1); j++)
                heap.Element(listeners, j, heap.Closure("onError", (uint)(20_001 + 6 * j), 7, "/app/queue.js", 12));
            return heap;
        });

        var s = report.Suspects.ShouldHaveSingleItem();
        s.Kind.ShouldBe(SuspectKind.Listeners);
        s.Title.ShouldBe("'error' listeners on JobQueue@201");
        s.PropertyPath.ShouldBe("JobQueue@201._events.error");
        s.CountUnit.ShouldBe("listeners");
        s.Counts.ShouldBe([20, 40, 60]);
        s.Location.ShouldBe(new CodeLocation("/app/queue.js", 7, 13, 1) { Kind = LocationKind.Function, Name = "onError" });
    }

    [Fact]
    public void Detect_HandlesHeldOnlyByARootScope_AreHandles()
    {
        // (root) --[1]--> (Handle scope)@5 (synthetic, old) --[j]--> TCP j (native), 20 more per step.
        // Nothing but a GC root holds them: no accumulation point; expected: handles, "TCP objects held only by GC
        // roots", counts 20 → 40 → 60 (the class's instances).
        var report = HeapBuilder.Detect(k =>
        {
            var (heap, _) = Base();
            int scope = heap.Add("synthetic", "(Handle scope)", 5);
            heap.Element(HeapBuilder.Root, 1, scope);
            for (int j = 0; j < 20 * (k + 1); j++) heap.Element(scope, j, heap.Add("native", "TCP", (uint)(20_001 + 2 * j), 80));
            return heap;
        });

        var s = report.Suspects.ShouldHaveSingleItem();
        s.Kind.ShouldBe(SuspectKind.Handles);
        s.Title.ShouldBe("TCP objects held only by GC roots");
        s.AccumulationPoint.ShouldBeNull();
        s.CountUnit.ShouldBe("objects");
        s.Counts.ShouldBe([20, 40, 60]);
    }

    [Fact]
    public void Detect_ChainOfClosureContexts_IsAClosureChainThroughItsVariable()
    {
        // Global@3 --server--> Server@201 --current--> f(n) --context--> Context(n) --previous--> f(n-1) → … → f(0)
        // 120 links per step (360 in s3): each closure's context keeps the closure before it.
        // Leaked: links 120..239 (120 contexts, > 100 links below Server@201). Expected: closure chain from
        // Global@3.server.current, linked through `previous`.
        var report = HeapBuilder.Detect(k =>
        {
            var (heap, global) = Base();
            int server = heap.Add("object", "Server", 201, 40);
            heap.Edge(global, "property", "server", server);
            int links = 120 * (k + 1), previous = -1;
            var closures = new int[links];
            for (int n = 0; n < links; n++)
            {
                closures[n] = heap.Add("closure", "handler", (uint)(20_001 + 4 * n), 32);
                int context = heap.Add("object", "system / Context", (uint)(20_003 + 4 * n), 40);
                heap.Edge(closures[n], "internal", "context", context);
                if (previous >= 0) heap.Edge(context, "context", "previous", previous);
                previous = closures[n];
            }
            heap.Edge(server, "property", "current", previous);
            return heap;
        });

        var s = report.Suspects.ShouldHaveSingleItem();
        s.Kind.ShouldBe(SuspectKind.ClosureChain);
        s.Title.ShouldBe("closure chain from Global@3.server.current");
        s.Counts.ShouldBeNull();
        s.Explanation.ShouldContain("through `previous`");
        s.Bytes[2].ShouldBeGreaterThan(s.Bytes[1]);
    }

    [Fact]
    public void Detect_ClassGrowingUnderManyHolders_IsAGrowingClassRepresentedByItsShallowestNewInstance()
    {
        // Global@3 --holders--> Array@103 (old) --[i]--> Holder i (old, 150 of them) --s<m>--> Session
        // Each step gives every holder one more Session: 0 → 150 → 300. Every holder holds fewer than 10 new
        // objects, so no point is a suspect; the class is. Expected: "Session instances", 300 new, held by Holder 0
        // (the representative is the first new Session in node order at the least depth: Holder 0's from step 1).
        const int holders = 150;
        var report = HeapBuilder.Detect(k =>
        {
            var (heap, global) = Base();
            int array = heap.Add("object", "Array", ArrayId, 32);
            heap.Edge(global, "property", "holders", array);
            var holderNodes = new int[holders];
            for (int i = 0; i < holders; i++) heap.Element(array, i, holderNodes[i] = heap.Add("object", "Holder", (uint)(1_001 + 2 * i), 20));
            for (int m = 1; m <= k; m++)
                for (int i = 0; i < holders; i++)
                    heap.Edge(holderNodes[i], "property", $"s{m}", heap.Add("object", "Session", (uint)(100_001 + 2 * (m * holders + i)), 30));
            return heap;
        });

        var s = report.Suspects.ShouldHaveSingleItem();
        s.Kind.ShouldBe(SuspectKind.Class);
        s.Title.ShouldBe("Session instances");
        s.Counts.ShouldBe([0, holders, 2 * holders]);
        s.NewObjects.ShouldBe(2 * holders);
        s.AccumulationPoint!.Id.ShouldBe(1_001u);
        s.RetainerPath[^1].Object.Id.ShouldBe((uint)(100_001 + 2 * holders));
    }

    // ---- location -------------------------------------------------------------------------------------------------

    [Fact]
    public void Detect_NewObjectsWithAConstructorInApplicationCode_AreLocatedAtTheConstructor()
    {
        // Items are UserProfile objects whose constructor V8 placed at script 9, line 41, column 4 (0-based);
        // script 9 is /app/profiles.js (named through the closure Store@101 --make--> makeProfile).
        // Expected: /app/profiles.js:42:5.
        var report = HeapBuilder.Detect(k =>
        {
            var heap = StoreWithItems(0, 20 * (k + 1), "object", "UserProfile");
            for (int j = 0; j < 20 * (k + 1); j++) heap.Locate(4 + j, 9, 41, 4);
            heap.Edge(2, "property", "make", heap.Closure("makeProfile", 901, 9, "/app/profiles.js", 3));
            return heap;
        });

        report.Suspects.ShouldHaveSingleItem().Location.ShouldBe(new CodeLocation("/app/profiles.js", 9, 42, 5) { Kind = LocationKind.Constructor, Name = "UserProfile" });
    }

    [Fact]
    public void Detect_WithAllocationTrace_CountsTheNewObjectsPerAllocationStack()
    {
        // As above, with allocation tracking in the last snapshot: trace tree (root) 1 → main 2 → makeProfile 3, and
        // (root) 1 → makeProfile 4. Items 0..29 were allocated at node 3 (main → makeProfile), items 30..59 at node
        // 4, except item 59 before tracking (0). New (leaked) items are 20..39, 50 bytes each.
        // Expected: makeProfile ← main with 10 items (20..29), then makeProfile alone with 10 (30..39);
        // frames 1-based where each function starts, as V8 writes them.
        var report = HeapBuilder.Detect(k =>
        {
            var heap = StoreWithItems(0, 20 * (k + 1), "object", "UserProfile");
            for (int j = 0; j < 20 * (k + 1); j++) heap.Locate(4 + j, 9, 41, 4);
            heap.Edge(2, "property", "make", heap.Closure("makeProfile", 901, 9, "/app/profiles.js", 3));
            if (k == 2)
            {
                int root = heap.String("(root)"), make = heap.String("makeProfile"), main = heap.String("main"), app = heap.String("/app/profiles.js");
                heap.TraceFunctionInfos = $"0,{root},0,0,0,0, 11,{make},{app},9,42,20, 12,{main},{app},9,1,1";
                heap.TraceTree = "1,0,0,0,[2,2,0,0,[3,1,30,1500,[]],4,1,30,1500,[]]";
                for (int j = 0; j < 59; j++) heap.TraceNodeOf[4 + j] = j < 30 ? 3 : 4;
            }
            return heap;
        });

        var s = report.Suspects.ShouldHaveSingleItem();
        s.AllocatedAt.ShouldNotBeNull();
        s.AllocatedAt.Count.ShouldBe(2);
        s.AllocatedAt[0].Frames.ShouldBe([new AllocationFrame("makeProfile", "/app/profiles.js", 9, 42, 20), new AllocationFrame("main", "/app/profiles.js", 9, 1, 1)]);
        (s.AllocatedAt[0].Count, s.AllocatedAt[0].Bytes).ShouldBe((10, 500));
        s.AllocatedAt[1].Frames.ShouldBe([new AllocationFrame("makeProfile", "/app/profiles.js", 9, 42, 20)]);
        s.AllocatedAt[1].Count.ShouldBe(10);
        s.UntracedObjects.ShouldBe(0);
        s.AllocatedAt[0].Describe().ShouldBe("/app/profiles.js:42:20 (makeProfile)");
        // The constructor is still the location: the allocation stacks stand beside it.
        s.Location!.Kind.ShouldBe(LocationKind.Constructor);
    }

    /// <summary>Three tracked snapshots of one store; the new items (20..39) are traced to <paramref name="middleNode"/>
    /// in the middle snapshot, whose tree is <paramref name="middleTree"/>, and have no trace in the last (V8 lost it
    /// when the GC moved them). The last tree: (root) 1 → main 2 → makeProfile 3, and (root) 1 → makeProfile 4.</summary>
    private static LeakReport TracedInTheMiddleOnly(string middleTree, int middleNode) => HeapBuilder.Detect(k =>
    {
        var heap = StoreWithItems(0, 20 * (k + 1), "object", "UserProfile");
        if (k == 0) return heap;
        int root = heap.String("(root)"), make = heap.String("makeProfile"), main = heap.String("main"), app = heap.String("/app/profiles.js");
        heap.TraceFunctionInfos = $"0,{root},0,0,0,0, 11,{make},{app},9,42,20, 12,{main},{app},9,1,1";
        heap.TraceTree = k == 1 ? middleTree : "1,0,0,0,[2,2,0,0,[3,1,30,1500,[]],4,1,30,1500,[]]";
        if (k == 1) for (int j = 20; j < 40; j++) heap.TraceNodeOf[4 + j] = middleNode;
        return heap;
    });

    [Fact]
    public void Detect_TraceLostInTheLastSnapshot_TakesItFromTheSnapshotThatFirstSawTheObject()
    {
        // The middle snapshot's tree is the last one's so far: node 3 is main → makeProfile there too.
        var s = TracedInTheMiddleOnly("1,0,0,0,[2,2,0,0,[3,1,20,1000,[]]]", 3).Suspects.ShouldHaveSingleItem();

        var stack = s.AllocatedAt.ShouldNotBeNull().ShouldHaveSingleItem();
        stack.Frames.ShouldBe([new AllocationFrame("makeProfile", "/app/profiles.js", 9, 42, 20), new AllocationFrame("main", "/app/profiles.js", 9, 1, 1)]);
        stack.Count.ShouldBe(20);
        s.UntracedObjects.ShouldBe(0);
    }

    [Fact]
    public void Detect_EarlierTraceFromAnotherTrackingSession_IsNotTakenAndTheObjectsCountAsUntraced()
    {
        // In the middle snapshot node 3 is makeProfile under (root): another session's tree, whose ids mean other stacks.
        var s = TracedInTheMiddleOnly("1,0,0,0,[3,1,20,1000,[]]", 3).Suspects.ShouldHaveSingleItem();

        s.AllocatedAt.ShouldNotBeNull().ShouldBeEmpty();
        s.UntracedObjects.ShouldBe(20);
    }

    [Fact]
    public void Detect_WithoutAllocationTrace_HasNoAllocationStacks()
    {
        var report = HeapBuilder.Detect(k => StoreWithItems(0, 20 * (k + 1)));
        report.Suspects.ShouldHaveSingleItem().AllocatedAt.ShouldBeNull();
        report.Suspects.ShouldHaveSingleItem().UntracedObjects.ShouldBeNull();
    }

    [Fact]
    public void Detect_ConstructorInNodesOwnCode_IsNoLocation()
    {
        // As above, but script 9 is node:internal/streams: not the application's code, and nothing above the point
        // has a location. Expected: no location.
        var report = HeapBuilder.Detect(k =>
        {
            var heap = StoreWithItems(0, 20 * (k + 1), "object", "UserProfile");
            for (int j = 0; j < 20 * (k + 1); j++) heap.Locate(4 + j, 9, 41, 4);
            heap.Edge(2, "property", "make", heap.Closure("makeProfile", 901, 9, "node:internal/streams", 3));
            return heap;
        });

        report.Suspects.ShouldHaveSingleItem().Location.ShouldBeNull();
    }

    [Fact]
    public void Detect_NewObjectsWithoutLocations_AreLocatedAtTheNearestApplicationCodeAboveThePoint()
    {
        // Global@3 --store--> Store@101 --items--> Array@103 --[j]--> Item j; Store@101 is a Store created at script
        // 9 line 4 (0-based), /app/store.js. The Items have no location. Expected: the Store's /app/store.js:5:1.
        var report = HeapBuilder.Detect(k =>
        {
            var heap = StoreWithItems(0, 20 * (k + 1));
            heap.Locate(2, 9, 4, 0);
            heap.Edge(2, "property", "make", heap.Closure("createStore", 901, 9, "/app/store.js", 1));
            return heap;
        });

        report.Suspects.ShouldHaveSingleItem().Location.ShouldBe(new CodeLocation("/app/store.js", 9, 5, 1) { Kind = LocationKind.Constructor, Name = "Store" });
    }
}
