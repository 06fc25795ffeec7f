using System.Diagnostics;
using Heapdog.Processes;

namespace Heapdog.Inspector.Tests;

[Collection(InspectorPortCollection.Name)]
public sealed class NodeInspectorTests
{
    [Fact]
    public async Task AttachAsync_ProcessStartedWithoutInspect_ActivatesBySigusr1AndConfirmsPid()
    {
        using var node = new NodeProgram("server.js");
        await node.PortAsync();
        ListeningSockets.OfProcess(node.Pid).ShouldNotContain(e => e.Port == NodeInspector.DefaultPort);

        await using (var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
        {
            process.OpenedByHeapdog.ShouldBeTrue();
            process.Pid.ShouldBe(node.Pid);
            process.Endpoint.Address.Port.ShouldBe(NodeInspector.DefaultPort);
            (await process.Connection.EvaluateAsync("1 + 2")).GetInt32().ShouldBe(3);
        }

        ListeningSockets.OfProcess(node.Pid).ShouldNotContain(e => e.Port == NodeInspector.DefaultPort);
        (await node.GetAsync()).ShouldBe("ok 20000");
    }

    [Fact]
    public async Task AttachAsync_InspectorAlreadyOnAnotherPort_UsesItAndLeavesItOpen()
    {
        using var node = new NodeProgram("server.js", flags: ["--inspect=127.0.0.1:0"]);
        await node.PortAsync();
        int inspectorPort = ListeningSockets.OfProcess(node.Pid).Single(e => e.Port != node.PortAsync().Result).Port;

        await using (var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
        {
            process.OpenedByHeapdog.ShouldBeFalse();
            process.Endpoint.Address.Port.ShouldBe(inspectorPort);
        }

        ListeningSockets.OfProcess(node.Pid).ShouldContain(e => e.Port == inspectorPort);
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task AttachAsync_Port9229HeldByAnotherNode_NamesTheHolder()
    {
        using var holder = new NodeProgram("server.js", flags: ["--inspect=127.0.0.1:9229"]);
        await holder.PortAsync();
        using var target = new NodeProgram("server.js");
        await target.PortAsync();

        var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = target.Pid }));

        error.Kind.ShouldBe(InspectorErrorKind.PortHeld);
        error.Message.ShouldStartWith($"port 9229 is held by pid {holder.Pid} (node)");
        (await target.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task AttachAsync_NoSuchProcess_ProcessGone()
    {
        using var gone = Process.Start("true")!;
        gone.WaitForExit();

        var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = gone.Id }));

        error.Kind.ShouldBe(InspectorErrorKind.ProcessGone);
        error.Message.ShouldBe($"no process with pid {gone.Id}");
    }

    [Fact]
    public async Task AttachAsync_NotNode_RefusesWithoutSignalling()
    {
        using var sleep = Process.Start("sleep", "60")!;
        try
        {
            var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = sleep.Id }));

            error.Kind.ShouldBe(InspectorErrorKind.NotNode);
            error.Message.ShouldStartWith($"pid {sleep.Id} (sleep) is not a Node.js process");
            await Task.Delay(200);
            sleep.HasExited.ShouldBeFalse("a SIGUSR1 would have killed sleep");
        }
        finally
        {
            sleep.Kill();
        }
    }

    [Fact]
    public async Task AttachAsync_Sigusr1TakenByApplication_TimesOutClearly()
    {
        using var node = new NodeProgram("server.js", args: ["--ignore-usr1"]);
        await node.PortAsync();

        var error = await Should.ThrowAsync<InspectorException>(() =>
            NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid, ActivationTimeout = TimeSpan.FromSeconds(2) }));

        error.Kind.ShouldBe(InspectorErrorKind.ActivationTimedOut);
        error.Message.ShouldStartWith($"pid {node.Pid} did not open its inspector within 2 s of SIGUSR1");
        (await node.GetAsync()).ShouldStartWith("ok");
    }

    [Fact]
    public async Task AttachAsync_SecondSessionOnSameProcess_Busy()
    {
        using var node = new NodeProgram("server.js");
        await node.PortAsync();
        await using var first = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });

        var error = await Should.ThrowAsync<InspectorException>(() => NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }));

        error.Kind.ShouldBe(InspectorErrorKind.Busy);
        (await first.Connection.EvaluateAsync("process.pid")).GetInt32().ShouldBe(node.Pid);
    }

    [Fact]
    public async Task AttachAsync_ExplicitPortOfAnotherPid_WrongProcess()
    {
        using var node = new NodeProgram("server.js", flags: ["--inspect=127.0.0.1:0"]);
        int httpPort = await node.PortAsync();
        int inspectorPort = ListeningSockets.OfProcess(node.Pid).Single(e => e.Port != httpPort).Port;

        var error = await Should.ThrowAsync<InspectorException>(() =>
            NodeInspector.AttachAsync(new AttachOptions { Port = inspectorPort, Pid = node.Pid + 100000 }));
        error.Kind.ShouldBe(InspectorErrorKind.WrongProcess);

        await using var right = await NodeInspector.AttachAsync(new AttachOptions { Port = inspectorPort, Host = "localhost" });
        right.Pid.ShouldBe(node.Pid);
        right.OpenedByHeapdog.ShouldBeFalse();
    }

    [Fact]
    public async Task EnableWorkersAsync_WorkerThread_EvaluatesInsideTheWorker()
    {
        using var node = new NodeProgram("server.js", args: ["--worker"]);
        await node.PortAsync();
        await using var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });
        var attached = new TaskCompletionSource<WorkerSession>(TaskCreationOptions.RunContinuationsAsynchronously);

        await process.Connection.EnableWorkersAsync(w => { attached.TrySetResult(w); return ValueTask.CompletedTask; });
        var worker = await attached.Task.WaitAsync(TimeSpan.FromSeconds(10));

        (await worker.EvaluateAsync("globalThis.workerMark")).GetInt32().ShouldBe(42);
        (await process.Connection.EvaluateAsync("typeof globalThis.workerMark")).GetString().ShouldBe("undefined");
    }

    [Fact]
    public async Task Events_ConsoleCallsInTarget_ArriveAsAsyncStream()
    {
        using var node = new NodeProgram("server.js");
        await node.PortAsync();
        await using var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var first = FirstAsync(process.Connection.Events("Runtime.consoleAPICalled", timeout.Token));

        await process.Connection.SendAsync("Runtime.enable");
        await process.Connection.EvaluateAsync("console.log('from the target')");

        var call = await first;
        call.GetProperty("args")[0].GetProperty("value").GetString().ShouldBe("from the target");
        await process.Connection.SendAsync("Runtime.disable");
    }

    private static async Task<System.Text.Json.JsonElement> FirstAsync(IAsyncEnumerable<System.Text.Json.JsonElement> events)
    {
        await foreach (var e in events) return e;
        throw new InvalidOperationException("the stream ended without an event");
    }
}
