namespace Heapdog.Processes.Tests;

public class ProcStatusTests
{
    [Fact]
    public void Parse_CapturedNodeStatus_ReadsBytes()
    {
        var s = ProcStatus.Parse(TestFiles.Read("proc-node/status"))!;
        s.Name.ShouldBe("node");
        s.RssBytes.ShouldBe(336320L * 1024);
        s.PeakRssBytes.ShouldBe(336320L * 1024);
        s.RssAnonBytes.ShouldBe(298904L * 1024);
        s.RssFileBytes.ShouldBe(37416L * 1024);
        s.RssShmemBytes.ShouldBe(0);
        s.Threads.ShouldBe(7);
        (s.RssAnonBytes + s.RssFileBytes + s.RssShmemBytes).ShouldBe(s.RssBytes);
    }

    [Fact]
    public void Parse_KernelThreadWithoutVmRss_ReturnsNull() =>
        ProcStatus.Parse("Name:\tkthreadd\nState:\tS (sleeping)\nThreads:\t1\n").ShouldBeNull();

    [Fact]
    public void Parse_OldKernelWithoutRssParts_ReadsMinusOne()
    {
        var s = ProcStatus.Parse("Name:\tnode\nVmHWM:\t 2048 kB\nVmRSS:\t 1024 kB\nThreads:\t3\n")!;
        s.RssBytes.ShouldBe(1024 * 1024);
        s.RssAnonBytes.ShouldBe(-1);
        s.RssFileBytes.ShouldBe(-1);
    }

    [Theory]
    [InlineData("VmRSS:\tlots kB\n")]
    [InlineData("VmRSS\n")]
    [InlineData("")]
    [InlineData("\0\0\0")]
    public void Parse_Malformed_ReturnsNull(string text) => ProcStatus.Parse(text).ShouldBeNull();

    [Theory]
    [InlineData("Name:\tnode\nNSpid:\t4557\n", new[] { 4557 })]
    [InlineData("NSpid:\t91234\t1\n", new[] { 91234, 1 })]
    [InlineData("NSpid:\t91234\t57\t1\n", new[] { 91234, 57, 1 })]
    [InlineData("Name:\tnode\n", new int[0])]
    [InlineData("NSpid:\t12\tx\n", new int[0])]
    public void ParseNamespacePids_StatusText_ReadsHostToInnermost(string text, int[] expected) =>
        ProcStatus.ParseNamespacePids(text).ShouldBe(expected);

    [Fact]
    public void ParseNamespacePids_CapturedStatus_IsHostPidOnly() =>
        ProcStatus.ParseNamespacePids(TestFiles.Read("proc-node/status")).ShouldBe([4557]);
}
