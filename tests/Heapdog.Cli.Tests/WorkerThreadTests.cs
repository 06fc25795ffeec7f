using System.Text.Json;
using Heapdog.Cli.CommandLine;

namespace Heapdog.Cli.Tests;

/// <summary>
/// <c>snapshot --worker</c>, <c>hunt --worker</c> and <c>ps --workers</c> against a real Node process whose
/// <c>worker_threads</c> Worker leaks <c>WorkerLeakRecord</c>s, a class that exists only in the worker.
/// </summary>
public sealed class WorkerThreadTests
{
    // SIGUSR1 opens a free port rather than 9229, so these tests never compete with other suites for it.
    private static readonly string[] FreeInspectorPort = ["--inspect-port=0"];

    private static async Task<(NodeProgram Target, string WorkerId)> StartAsync()
    {
        var target = new NodeProgram("worker-leak.js", flags: FreeInspectorPort);
        string line = await target.WaitForLineAsync(l => l.StartsWith("worker ", StringComparison.Ordinal), "a \"worker N\" line");
        await target.PortAsync();
        return (target, line["worker ".Length..]);
    }

    private static async Task<long> CountOfAsync(TempDirectory dir, string file, string className)
    {
        var run = await HeapdogCommand.RunAsync(dir.Path, "analyze", file, "--json", "--top", "0", "--objects", "0", "--filter", className);
        run.ExitCode.ShouldBe(0, run.Stderr); // a complete, well-formed snapshot
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.GetProperty("summary").EnumerateArray()
            .Where(c => c.GetProperty("className").GetString() == className).Sum(c => c.GetProperty("count").GetInt64());
    }

    [Fact]
    public async Task Snapshot_WorkerAll_OneFilePerHeapAndTheWorkerClassOnlyInTheWorkersFile()
    {
        var (target, id) = await StartAsync();
        using var _ = target;
        using var dir = new TempDirectory();
        string main = dir.File("service.heapsnapshot"), worker = dir.File($"service.worker-{id}.heapsnapshot");

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", target.Pid.ToString(), "--worker", "all", "-o", main);

        run.ExitCode.ShouldBe(0, run.Stderr);
        Directory.GetFiles(dir.Path).Order().ShouldBe(new[] { main, worker }.Order());
        run.Stdout.ShouldContain(main + ":");
        run.Stdout.ShouldContain(worker + ":");
        (await CountOfAsync(dir, worker, "WorkerLeakRecord")).ShouldBeGreaterThan(0);
        (await CountOfAsync(dir, main, "WorkerLeakRecord")).ShouldBe(0);
        if (!OperatingSystem.IsWindows()) File.GetUnixFileMode(worker).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (await target.GetAsync()).ShouldStartWith("ok"); // still serving
    }

    [Fact]
    public async Task Snapshot_WorkerAllJson_OneDocumentWithTheMainHeapAndEachWorkersInside()
    {
        var (target, id) = await StartAsync();
        using var _ = target;
        using var dir = new TempDirectory();
        string main = dir.File("service.heapsnapshot"), worker = dir.File($"service.worker-{id}.heapsnapshot");

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", target.Pid.ToString(), "--worker", "all", "-o", main, "--json");

        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        var root = doc.RootElement;
        root.GetProperty("schemaVersion").GetInt32().ShouldBe(1);
        root.GetProperty("file").GetString().ShouldBe(main);
        root.GetProperty("worker").ValueKind.ShouldBe(JsonValueKind.Null);
        root.GetProperty("bytes").GetInt64().ShouldBe(new FileInfo(main).Length);
        var inside = root.GetProperty("workers").EnumerateArray().ShouldHaveSingleItem();
        inside.GetProperty("worker").GetString().ShouldBe(id);
        inside.GetProperty("file").GetString().ShouldBe(worker);
        inside.GetProperty("bytes").GetInt64().ShouldBe(new FileInfo(worker).Length);
        inside.GetProperty("workers").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Fact]
    public async Task Snapshot_WorkerId_WritesOnlyThatWorkersHeapUnderItsOwnName()
    {
        var (target, id) = await StartAsync();
        using var _ = target;
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", target.Pid.ToString(), "--worker", id);

        run.ExitCode.ShouldBe(0, run.Stderr);
        string file = Directory.GetFiles(dir.Path).ShouldHaveSingleItem();
        Path.GetFileName(file).ShouldStartWith($"heapdog-{target.Pid}-");
        file.ShouldEndWith($".worker-{id}.heapsnapshot");
        (await CountOfAsync(dir, file, "WorkerLeakRecord")).ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task Snapshot_UnknownWorker_FailsNamingTheWorkersThatExist()
    {
        var (target, id) = await StartAsync();
        using var _ = target;
        using var dir = new TempDirectory();

        var run = await HeapdogCommand.RunAsync(dir.Path, "snapshot", target.Pid.ToString(), "--worker", "999", "-o", dir.File("w.heapsnapshot"));

        run.ExitCode.ShouldBe(ExitCodes.TargetUnavailable, run.Stderr);
        run.Stderr.ShouldContain($"heapdog: pid {target.Pid} has no worker thread 999; its worker threads are {id}");
        Directory.GetFiles(dir.Path).ShouldBeEmpty();
    }

    [Fact]
    public async Task Hunt_Worker_NamesTheWorkersGrowingArray()
    {
        var (target, id) = await StartAsync();
        using var _ = target;
        using var dir = new TempDirectory();
        string keep = Path.Combine(dir.Path, "kept");

        var run = await HeapdogCommand.RunAsync(dir.Path, "hunt", target.Pid.ToString(), "--worker", id, "--snapshots", "3", "--interval", "2s",
            "--json", "--keep", keep);

        run.ExitCode.ShouldBe(0, run.Stderr);
        Directory.GetFiles(keep).Length.ShouldBe(3);
        Directory.GetFiles(keep).ShouldAllBe(f => f.EndsWith($".worker-{id}.heapsnapshot"));
        using var doc = JsonDocument.Parse(run.Stdout);
        var suspects = doc.RootElement.GetProperty("suspects").EnumerateArray().ToList();
        string titles = string.Join("\n", suspects.Select(s => s.GetProperty("title").GetString()));
        suspects.ShouldNotBeEmpty();
        suspects[0].GetProperty("title").GetString()!.ShouldStartWith("leakedRecords (Array", Case.Sensitive, titles);
        suspects[0].GetProperty("explanation").GetString()!.ShouldContain("WorkerLeakRecord");
    }

    [Fact]
    public async Task Ps_Workers_ListsTheWorkerAndLeavesTheInspectorClosed()
    {
        var (target, id) = await StartAsync();
        using var _ = target;
        using var dir = new TempDirectory();
        string pid = target.Pid.ToString();

        var plain = await PsAsync(dir, "ps", "--json", "--pid", pid);
        var listed = await PsAsync(dir, "ps", "--json", "--pid", pid, "--workers");
        var after = await PsAsync(dir, "ps", "--json", "--pid", pid);

        plain.GetProperty("workers").ValueKind.ShouldBe(JsonValueKind.Null); // plain ps does not attach
        listed.GetProperty("workersError").ValueKind.ShouldBe(JsonValueKind.Null, listed.ToString());
        var worker = listed.GetProperty("workers").EnumerateArray().ShouldHaveSingleItem();
        worker.GetProperty("id").GetString().ShouldBe(id);
        worker.GetProperty("title").GetString().ShouldBe($"[worker {id}]");
        after.GetProperty("inspectorPort").ValueKind.ShouldBe(JsonValueKind.Null, "the inspector ps --workers opened is closed again");
    }

    private static async Task<JsonElement> PsAsync(TempDirectory dir, params string[] args)
    {
        var run = await HeapdogCommand.RunAsync(dir.Path, args);
        run.ExitCode.ShouldBe(0, run.Stderr);
        using var doc = JsonDocument.Parse(run.Stdout);
        return doc.RootElement.GetProperty("processes").EnumerateArray().ShouldHaveSingleItem().Clone();
    }
}
