using System.Diagnostics;
using Heapdog.Processes;

namespace Heapdog.Inspector.Tests;

/// <summary>
/// The dead man's switch on real node targets (started with --inspect-port=0, so SIGUSR1 opens a free port): armed only
/// in an inspector Heapdog opened, kept quiet by the heartbeat, removed on a normal close, and closing the inspector by
/// itself once Heapdog's session is gone.
/// </summary>
public sealed class DeadMansSwitchTests
{
    // Generous for a loaded machine: N, plus the switch's three on-time ticks, plus slack.
    private static readonly TimeSpan ClosesWithin = DeadMansSwitch.Limit + TimeSpan.FromSeconds(20);

    // Prints the state of the switch on each stdin line: "switch armed|absent timer running|cleared|none".
    private const string Reporter = """
        const key = Symbol.for('heapdog.inspectorSwitch');
        let seen = null;
        process.stdin.setEncoding('utf8');
        process.stdin.on('data', d => {
          for (const _ of d.split('\n').filter(Boolean)) {
            const s = globalThis[key];
            if (s) seen = s;
            console.log('switch ' + (s ? 'armed' : 'absent') + ' timer ' + (seen ? (seen.timer._destroyed ? 'cleared' : 'running') : 'none'));
          }
        });
        console.log('ready');
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Attach_InspectorOpenedByHeapdog_ArmsSwitchAndNormalCloseRemovesItWithTheInspector(bool esm)
    {
        using var node = NodeProgram.Inline(Reporter, flags: Flags(esm));
        await node.ReadyAsync();

        await using (var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
        {
            process.OpenedByHeapdog.ShouldBeTrue();
            process.SwitchArmed.ShouldBeTrue();
            (await SwitchStateAsync(node)).ShouldBe("switch armed timer running");
        }

        (await SwitchStateAsync(node)).ShouldBe("switch absent timer cleared");
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    [Fact]
    public async Task Attach_InspectorAlreadyOpen_NoSwitchAndLeftOpen()
    {
        using var node = NodeProgram.Inline(Reporter, flags: ["--inspect=127.0.0.1:0"]);
        await node.ReadyAsync();

        await using (var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
        {
            process.OpenedByHeapdog.ShouldBeFalse();
            process.SwitchArmed.ShouldBeFalse();
            (await SwitchStateAsync(node)).ShouldBe("switch absent timer none");
        }

        ListeningSockets.OfProcess(node.Pid).ShouldNotBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Switch_ConnectionLost_ClosesTheInspectorAndRemovesItself(bool esm)
    {
        using var node = NodeProgram.Inline(Reporter, flags: Flags(esm));
        await node.ReadyAsync();
        await using var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });
        (await SwitchStateAsync(node)).ShouldBe("switch armed timer running");
        var clock = Stopwatch.StartNew();

        // As if Heapdog died: the socket goes, no close is evaluated, the heartbeat stops.
        await process.Connection.DisposeAsync();

        await WaitForInspectorClosedAsync(node.Pid, ClosesWithin);
        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(DeadMansSwitch.Limit - TimeSpan.FromSeconds(1));
        (await SwitchStateAsync(node)).ShouldBe("switch absent timer cleared");
    }

    [Fact]
    public async Task Heartbeat_SessionLongerThanTheLimit_InspectorStaysOpen()
    {
        using var node = NodeProgram.Inline(Reporter, flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        await using var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });

        await Task.Delay(DeadMansSwitch.Limit * 2);

        (await process.Connection.EvaluateAsync("process.pid")).GetInt32().ShouldBe(node.Pid);
        (await SwitchStateAsync(node)).ShouldBe("switch armed timer running");
    }

    [Fact]
    public async Task Heartbeat_TargetBusyLongerThanTheLimit_DoesNotTripTheSwitch()
    {
        using var node = NodeProgram.Inline(Reporter, flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        await using var process = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });

        // The main thread held as a big snapshot holds it: heartbeats queue up behind it, and the switch's timer runs
        // late. Neither may close the inspector of a live session.
        long busyMs = (long)(DeadMansSwitch.Limit + TimeSpan.FromSeconds(3)).TotalMilliseconds;
        await process.Connection.EvaluateAsync($"(() => {{ const end = Date.now() + {busyMs}; while (Date.now() < end); }})()",
            timeout: TimeSpan.FromMinutes(1));
        await Task.Delay(TimeSpan.FromSeconds(6));

        (await process.Connection.EvaluateAsync("process.pid")).GetInt32().ShouldBe(node.Pid);
        (await SwitchStateAsync(node)).ShouldBe("switch armed timer running");
    }

    [Fact]
    public async Task Attach_SwitchLeftByAHeapdogThatWentAway_TakesItOverAndClosesTheInspector()
    {
        using var node = NodeProgram.Inline(Reporter, flags: ["--inspect-port=0"]);
        await node.ReadyAsync();
        var first = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid });
        (await SwitchStateAsync(node)).ShouldBe("switch armed timer running");
        await first.Connection.DisposeAsync();
        await first.DisposeAsync();

        await using (var second = await NodeInspector.AttachAsync(new AttachOptions { Pid = node.Pid }))
        {
            second.OpenedByHeapdog.ShouldBeFalse();
            second.SwitchArmed.ShouldBeTrue();
            // The old switch would have fired by now without the new session's heartbeat.
            await Task.Delay(DeadMansSwitch.Limit + TimeSpan.FromSeconds(4));
            (await second.Connection.EvaluateAsync("process.pid")).GetInt32().ShouldBe(node.Pid);
        }

        (await SwitchStateAsync(node)).ShouldBe("switch absent timer cleared");
        ListeningSockets.OfProcess(node.Pid).ShouldBeEmpty();
    }

    /// <summary>Node's flags: a free inspector port for SIGUSR1, and the program as an ES module (no <c>require</c> in
    /// scope) when <paramref name="esm"/>.</summary>
    private static string[] Flags(bool esm) => esm ? ["--inspect-port=0", "--input-type=module"] : ["--inspect-port=0"];

    /// <summary>Asks the target for the state of the switch (see <see cref="Reporter"/>).</summary>
    private static async Task<string> SwitchStateAsync(NodeProgram node)
    {
        node.WriteLine("check");
        return await node.WaitForLineAsync(l => l.StartsWith("switch ", StringComparison.Ordinal), "the switch's state", TimeSpan.FromSeconds(30));
    }

    /// <summary>Polls until <paramref name="pid"/> listens on no port (its inspector is its only listener).</summary>
    internal static async Task WaitForInspectorClosedAsync(int pid, TimeSpan limit, IReadOnlySet<int>? ownPorts = null)
    {
        var clock = Stopwatch.StartNew();
        while (ListeningSockets.OfProcess(pid).Any(e => ownPorts?.Contains(e.Port) != true))
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"pid {pid} still listens on {string.Join(", ", ListeningSockets.OfProcess(pid))} after {limit}");
            await Task.Delay(100);
        }
    }
}
