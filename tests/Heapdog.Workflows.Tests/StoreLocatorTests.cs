using Heapdog.Leaks;
using Heapdog.Workflows.SourceMaps;
using Heapdog.Workflows.Sources;

namespace Heapdog.Workflows.Tests;

/// <summary><see cref="StoreLocator"/> over suspects built by hand and a script written to a temporary directory:
/// the owner from the retainer path, the functions from the allocation stacks, in order.</summary>
public sealed class StoreLocatorTests
{
    // Line 4 `record` builds the entry in `makeEntry` (line 1) and stores it; the module's own function (line 9)
    // defines a callback that also stores into `inflight`, but that callback is not on the stack.
    private const string Script = """
        function makeEntry(id) {
          return { id, at: Date.now() };
        }
        function record(id) {
          const entry = makeEntry(id);
          inflight.set(id, entry);
        }
        const inflight = new Map();
        (function main() {
          process.on('exit', () => inflight.set(-1, null));
          setInterval(() => record(1), 10);
        })();
        """;

    private static readonly ObjectRef Map = new(7, "Map", "", "object");

    private static Suspect Suspect(IReadOnlyList<PathLink> path, params AllocationFrame[] frames) => new()
    {
        Kind = SuspectKind.Collection, Severity = Severity.Medium, Title = "inflight", Explanation = "", AccumulationPoint = Map,
        PropertyPath = "inflight", CountUnit = "entries", Counts = [1, 2], Bytes = [1, 2], Removed = null, NewObjects = 1, NewBytes = 1,
        Classes = [], RetainerPath = path, Location = null, MergedPoints = 0,
        AllocatedAt = [new AllocationStack(frames, 1, 1)],
    };

    private static readonly ObjectRef Root = new(1, "", "", "synthetic"), Context = new(3, "system / Context", "", "hidden");

    [Fact]
    public void Find_HelperAllocatesCallerStores_NamesTheCallersStatement()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "app.js");
        File.WriteAllText(file, Script);
        var suspect = Suspect([new(null, null, Root), new("context", "internal", Context), new("inflight", "context", Map)],
            new AllocationFrame("makeEntry", file, 5, 1, 19), new AllocationFrame("record", file, 5, 4, 16), new AllocationFrame("main", file, 5, 9, 10));

        var found = StoreLocator.Find(suspect, new SourceMapResolver()).ShouldNotBeNull();

        (found.Site.Line, found.Site.Column, found.Function, found.Owner).ShouldBe((6, 3, "record", "inflight"));
        found.Site.Text.ShouldBe("inflight.set(id, entry);");
    }

    [Fact]
    public void Find_OnlyACallersCallbackStores_FindsNothing()
    {
        using var dir = new TempDirectory();
        string file = Path.Combine(dir.Path, "app.js");
        File.WriteAllText(file, Script);
        var suspect = Suspect([new(null, null, Root), new("inflight", "context", Map)],
            new AllocationFrame("makeEntry", file, 5, 1, 19), new AllocationFrame("main", file, 5, 9, 10));

        StoreLocator.Find(suspect, new SourceMapResolver()).ShouldBeNull();
    }

    [Fact]
    public void TargetOf_MapReachedThroughItsTable_IsTheVariable()
    {
        var entry = new ObjectRef(9, "Object", "", "object");
        var suspect = Suspect([new(null, null, Root), new("cache", "property", Map), new("table", "internal", new(8, "(object elements)", "", "array")), new("3", "element", entry)]);
        StoreLocator.TargetOf(suspect).ShouldBe(new StoreTarget("cache", Property: true));
    }

    [Fact]
    public void TargetOf_Listeners_IsTheEmitterAndTheEvent()
    {
        var emitter = new ObjectRef(4, "EventEmitter", "", "object");
        var suspect = Suspect([new(null, null, Root), new("jobQueue", "context", emitter), new("_events", "property", new(5, "Object", "", "object")), new("error", "property", Map)]) with { Kind = SuspectKind.Listeners };
        StoreLocator.TargetOf(suspect).ShouldBe(new StoreTarget("jobQueue", false, "error"));
    }

    [Fact]
    public void TargetOf_NoAccumulationPoint_IsNull() =>
        StoreLocator.TargetOf(Suspect([new(null, null, Root), new("inflight", "context", Map)]) with { AccumulationPoint = null }).ShouldBeNull();
}
