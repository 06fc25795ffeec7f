namespace Heapdog.Processes.Tests;

public class HostMemoryTests
{
    [Fact]
    public void Parse_CapturedMeminfo_ReadsBytes()
    {
        var m = HostMemory.Parse(TestFiles.Read("meminfo"))!;
        m.TotalBytes.ShouldBe(24684092L * 1024);
        m.AvailableBytes.ShouldBe(23935672L * 1024);
        m.FreeBytes.ShouldBe(23863736L * 1024);
    }

    [Fact]
    public void Parse_OldKernelWithoutMemAvailable_ReadsMinusOne() =>
        HostMemory.Parse("MemTotal: 1000 kB\nMemFree: 10 kB\n")!.AvailableBytes.ShouldBe(-1);

    [Theory]
    [InlineData("")]
    [InlineData("MemFree: 10 kB\n")]
    [InlineData("garbage garbage\n")]
    public void Parse_WithoutMemTotal_ReturnsNull(string text) => HostMemory.Parse(text).ShouldBeNull();

    [Fact]
    public void Read_ThisHost_AvailableIsBelowTotal()
    {
        var m = HostMemory.Read()!;
        m.AvailableBytes.ShouldBeInRange(1, m.TotalBytes);
    }
}
