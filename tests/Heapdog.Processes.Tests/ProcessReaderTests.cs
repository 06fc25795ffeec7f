namespace Heapdog.Processes.Tests;

public class ProcessReaderTests
{
    [Fact]
    public async Task TryRead_RunningNode_ReadsIdentityNameAndMemory()
    {
        using var node = new NodeProgram("titled.js");
        await node.ReadyAsync();
        var info = ProcessReader.TryRead(node.Pid)!;
        info.Pid.ShouldBe(node.Pid);
        info.Comm.ShouldBe("billing-svc");
        info.CommandLine.ShouldNotBeEmpty();
        info.Status.RssBytes.ShouldBeGreaterThan(10_000_000);
        info.Status.Threads.ShouldBeGreaterThan(1);
        info.OpenFds.ShouldBeGreaterThan(2);
        info.OomScore.ShouldBeGreaterThanOrEqualTo(0);
        info.OomScoreAdj.ShouldBe(0);
        info.StartTime.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        ProcessReader.TryRead(node.Pid)!.Identity.ShouldBe(info.Identity);
    }

    [Fact]
    public void TryRead_NoSuchProcess_ReturnsNull() => ProcessReader.TryRead(int.MaxValue).ShouldBeNull();

    [Fact]
    public async Task TryReadLayout_RunningNode_FindsV8Pages()
    {
        using var node = new NodeProgram("titled.js");
        await node.ReadyAsync();
        var layout = ProcessReader.TryReadLayout(node.Pid)!;
        layout.V8Mappings.ShouldBeGreaterThan(5);
        layout.V8CommittedBytes.ShouldBeGreaterThan(1_000_000);
    }

    [Theory]
    [InlineData("node\0app.js\0", new[] { "node", "app.js" })]
    [InlineData("billing-svc worker     ", new[] { "billing-svc worker     " })]
    [InlineData("", new string[0])]
    public void ParseCommandLine_Text_SplitsOnNul(string text, string[] expected) => ProcessReader.ParseCommandLine(text).ShouldBe(expected);

    [Fact]
    public async Task IsAlive_RunningNode_TrueUntilKilledThenWaitForExitSeesItGo()
    {
        using var node = new NodeProgram("titled.js");
        await node.ReadyAsync();
        int pid = node.Pid;
        ProcessReader.IsAlive(pid).ShouldBeTrue();
        ProcessReader.WaitForExit(pid, TimeSpan.FromMilliseconds(50)).ShouldBeFalse();
        node.Dispose();
        ProcessReader.WaitForExit(pid, TimeSpan.FromSeconds(5)).ShouldBeTrue();
        ProcessReader.IsAlive(pid).ShouldBeFalse();
    }

    [Fact]
    public void IsAlive_NoSuchProcess_ReturnsFalse() => ProcessReader.IsAlive(int.MaxValue).ShouldBeFalse();

    [Fact]
    public async Task TryReadCommAndCommandLine_RunningNode_ReadTitleAndArguments()
    {
        using var node = new NodeProgram("titled.js");
        await node.ReadyAsync();
        ProcessReader.TryReadComm(node.Pid).ShouldBe("billing-svc");
        ProcessReader.TryReadCommandLine(node.Pid).ShouldNotBeEmpty();
        ProcessReader.TryReadEnvironmentVariable(node.Pid, "PATH").ShouldBe(Environment.GetEnvironmentVariable("PATH"));
        ProcessReader.TryReadEnvironmentVariable(node.Pid, "HEAPDOG_NOT_SET").ShouldBeNull();
    }

    [Fact]
    public void TryReadCommAndCommandLine_NoSuchProcess_NullAndEmpty()
    {
        ProcessReader.TryReadComm(int.MaxValue).ShouldBeNull();
        ProcessReader.TryReadCommandLine(int.MaxValue).ShouldBeEmpty();
        ProcessReader.TryReadEnvironmentVariable(int.MaxValue, "PATH").ShouldBeNull();
    }

    [Theory]
    [InlineData("A=1\0NODE_OPTIONS=--inspect-port=0\0", "NODE_OPTIONS", "--inspect-port=0")]
    [InlineData("NODE_OPTIONS=\0", "NODE_OPTIONS", "")]
    [InlineData("NODE_OPTIONS=a=b\0NODE_OPTIONS=second\0", "NODE_OPTIONS", "a=b")]
    [InlineData("NODE_OPTIONS_X=1\0XNODE_OPTIONS=2\0NODE_OPTIONS\0", "NODE_OPTIONS", null)]
    [InlineData("", "NODE_OPTIONS", null)]
    public void ParseEnvironmentVariable_Environ_FirstExactMatch(string environ, string name, string? expected) =>
        ProcessReader.ParseEnvironmentVariable(environ, name).ShouldBe(expected);

    [Fact]
    public void ParseBootTime_CapturedStat_ReadsBtime() =>
        ProcessReader.ParseBootTime(TestFiles.Read("stat-btime"))!.Value.Year.ShouldBeGreaterThan(2020);

    [Fact]
    public void ParseBootTime_Missing_ReturnsNull() => ProcessReader.ParseBootTime("cpu 1 2 3\n").ShouldBeNull();

    [Fact]
    public void ParseStatm_Pages_GivesRssAndAnonymousBytes()
    {
        var (rss, anon) = ProcessReader.ParseStatm("319031 84031 9354 6802 0 86963 0\n")!.Value;
        rss.ShouldBe(84031L * Environment.SystemPageSize);
        anon.ShouldBe((84031L - 9354) * Environment.SystemPageSize);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1 2")]
    [InlineData("1 x 3")]
    [InlineData("10 5 9 0 0 0 0")]
    public void ParseStatm_Malformed_ReturnsNull(string text) => ProcessReader.ParseStatm(text).ShouldBeNull();

    [Fact]
    public async Task TryReadStatm_RunningNode_AgreesWithStatus()
    {
        using var node = new NodeProgram("titled.js");
        await node.ReadyAsync();
        var statm = ProcessReader.TryReadStatm(node.Pid)!.Value;
        var status = ProcessReader.TryReadStatus(node.Pid)!;
        statm.Rss.ShouldBeInRange(status.RssBytes - 2_000_000, status.RssBytes + 2_000_000);
        statm.Anon.ShouldBeInRange(status.RssAnonBytes - 2_000_000, status.RssAnonBytes + 2_000_000);
    }
}
