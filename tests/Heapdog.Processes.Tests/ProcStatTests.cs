namespace Heapdog.Processes.Tests;

public class ProcStatTests
{
    [Fact]
    public void Parse_CapturedNodeStat_ReadsFields()
    {
        var stat = ProcStat.Parse(TestFiles.Read("proc-node/stat"))!;
        stat.Pid.ShouldBe(4557);
        stat.Comm.ShouldBe("node");
        stat.State.ShouldBe('S');
        stat.ParentPid.ShouldBe(1);
        stat.UserTicks.ShouldBe(75);
        stat.SystemTicks.ShouldBe(48);
        stat.Threads.ShouldBe(7);
        stat.StartTicks.ShouldBe(19034);
        stat.VirtualBytes.ShouldBe(1306750976);
        stat.RssPages.ShouldBe(84031);
    }

    [Fact]
    public void Parse_CommWithSpacesAndParentheses_CountsFieldsFromLastParenthesis()
    {
        var line = TestFiles.Read("proc-node/stat").Replace("(node)", "(my (odd) app)");
        var stat = ProcStat.Parse(line)!;
        stat.Comm.ShouldBe("my (odd) app");
        stat.StartTicks.ShouldBe(19034);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("4557 (node S 1 2 3")]
    [InlineData("4557 (node) S 1 4550")]
    [InlineData("abc (node) S 1 4550 3342 0 -1 4194304 82823 0 4 0 75 48 0 0 20 0 7 0 19034 1306750976 84031")]
    [InlineData("4557 (node) S 1 4550 3342 0 -1 4194304 82823 0 4 0 xx 48 0 0 20 0 7 0 19034 1306750976 84031")]
    public void Parse_Malformed_ReturnsNull(string text) => ProcStat.Parse(text).ShouldBeNull();

    [Theory]
    [InlineData('S', false)]
    [InlineData('R', false)]
    [InlineData('D', false)]
    [InlineData('Z', false)]
    [InlineData('T', true)]
    [InlineData('t', true)]
    public void IsStopped_State_TrueForStoppedAndTraced(char state, bool stopped)
    {
        var stat = ProcStat.Parse(TestFiles.Read("proc-node/stat").Replace("(node) S ", $"(node) {state} "))!;
        stat.State.ShouldBe(state);
        stat.IsStopped.ShouldBe(stopped);
    }
}
