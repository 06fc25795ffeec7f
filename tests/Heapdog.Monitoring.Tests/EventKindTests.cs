using System.Text.Json;
using Heapdog.Monitoring.Oom;
using Heapdog.Monitoring.Store;
using Heapdog.Processes;

namespace Heapdog.Monitoring.Tests;

public class EventKindTests
{
    [Fact]
    public void Values_AreTheStoredAndDocumentedStrings()
    {
        // Stored in SQLite and sent on the API: these strings are a promise (docs/api.md, web/src/contract.ts).
        string[] kinds = [EventKind.Exited, EventKind.ExitedOomKill, EventKind.OomKill, EventKind.HeapOom, EventKind.Snapshot,
            EventKind.SnapshotFailed, EventKind.SnapshotSkipped, EventKind.LeakVerdict, EventKind.OomDeath];
        kinds.ShouldBe(["exited", "exited-oom-kill", "oom-kill", "heap-oom", "snapshot", "snapshot-failed", "snapshot-skipped",
            "leak-verdict", "oom-death"]);
        EventKind.OutOfMemory.ShouldBe(["exited-oom-kill", "oom-kill", "heap-oom"]);
        string[] states = [SnapshotState.New, SnapshotState.Analysing, SnapshotState.Ready, SnapshotState.Failed];
        states.ShouldBe(["new", "analysing", "ready", "failed"]);
    }

    [Theory]
    [InlineData(OomEventKind.V8HeapOom, "heap-oom")]
    [InlineData(OomEventKind.KernelOomKill, "oom-kill")]
    [InlineData(OomEventKind.CgroupOomKill, "oom-kill")]
    [InlineData(OomEventKind.Pm2MemoryRestart, "oom-kill")]
    public void Of_LogDeath_RecordedKind(OomEventKind kind, string expected) => EventKind.Of(kind).ShouldBe(expected);

    [Fact]
    public void Of_NodeFatalInSyslog_IsAHeapOomWithPidAndTime()
    {
        // A service's stderr as rsyslog writes it to /var/log/messages, which the dashboard's log scan reads.
        var e = OomLogParser.ParseText("/var/log/messages", string.Join('\n',
            "Mar  1 10:31:09 web1 node[31337]: <--- Last few GCs --->",
            "Mar  1 10:31:09 web1 node[31337]: [31337:0x1f7b8ca0]      779 ms: Mark-Compact (reduce) 73.8 (75.6) -> 73.2 (75.8) MB, 40.47 / 0.00 ms  (average mu = 0.549, current mu = 0.669) task;",
            "Mar  1 10:31:10 web1 node[31337]: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory")).Events.ShouldHaveSingleItem();
        e.Pid.ShouldBe(31337);
        e.Time.ShouldNotBeNull();
        EventKind.Of(e.Kind).ShouldBe(EventKind.HeapOom);
    }

    [Theory]
    [InlineData("snapshot", "{\"reason\":\"periodic\",\"path\":\"/s/a.heapsnapshot\",\"bytes\":\"1234\"}", "{\"reason\":\"periodic\",\"path\":\"/s/a.heapsnapshot\",\"bytes\":1234}")]
    [InlineData("snapshot", "{\"reason\":\"periodic\",\"bytes\":1234}", "{\"reason\":\"periodic\",\"bytes\":1234}")]
    [InlineData("snapshot", "{\"bytes\":\"lots\"}", "{\"bytes\":\"lots\"}")]
    [InlineData("snapshot", "not json \"bytes\":\"1\"", "not json \"bytes\":\"1\"")]
    [InlineData("oom-death", "{\"bytes\":\"12\"}", "{\"bytes\":\"12\"}")]
    public void Upgrade_Detail_BytesOfOldSnapshotRowsBecomeNumbers(string kind, string detail, string expected) =>
        EventDetail.Upgrade(kind, detail).ShouldBe(expected);

    [Fact]
    public void ReadEvents_OldSnapshotRowWithBytesAsString_ReadsANumberFromBothStores()
    {
        using var dir = new TempDirectory();
        string path = dir.File("h.db");
        using var store = SampleStore.Open(path);
        var p = store.UpsertProcess(new ProcessIdentity(100, 42), "node", "node app.js", 0, null, 0);
        store.AddEvent(p.Id, 1000, EventKind.Snapshot, "{\"reason\":\"periodic\",\"path\":\"/s/a.heapsnapshot\",\"bytes\":\"1234\"}");
        foreach (var e in new[] { store.ReadEvents(p.Id).ShouldHaveSingleItem(), new DashboardStore(path).Events(p.Id, 0, 2000).ShouldHaveSingleItem() })
        {
            var bytes = JsonDocument.Parse(e.Detail).RootElement.GetProperty("bytes");
            bytes.ValueKind.ShouldBe(JsonValueKind.Number);
            bytes.GetInt64().ShouldBe(1234);
        }
    }
}
