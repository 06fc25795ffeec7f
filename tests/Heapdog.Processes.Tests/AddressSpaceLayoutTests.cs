namespace Heapdog.Processes.Tests;

public class AddressSpaceLayoutTests
{
    [Fact]
    public void Parse_CapturedJsHeapGrowth_PutsMostAnonymousMemoryInV8()
    {
        var layout = AddressSpaceLayout.Parse(TestFiles.Read("proc-node/maps"))!;
        var status = ProcStatus.Parse(TestFiles.Read("proc-node/status"))!;
        layout.V8CommittedBytes.ShouldBeGreaterThan(status.RssAnonBytes / 2);
        layout.V8Mappings.ShouldBeGreaterThan(100);
    }

    [Fact]
    public void Parse_CapturedBufferGrowth_PutsMostAnonymousMemoryOutsideV8()
    {
        var layout = AddressSpaceLayout.Parse(TestFiles.Read("proc-offheap/maps"))!;
        var status = ProcStatus.Parse(TestFiles.Read("proc-offheap/status"))!;
        layout.V8CommittedBytes.ShouldBeLessThan(status.RssAnonBytes / 4);
        layout.NativeMappedBytes.ShouldBeGreaterThan(status.RssAnonBytes / 2);
    }

    [Fact]
    public void Parse_ClassifiesByAddressPermissionAndBss()
    {
        const string maps = """
            00400000-00b6f000 r--p 00000000 fe:00 247946                             /usr/bin/node
            0563e000-0565d000 rw-p 0523d000 fe:00 247946                             /usr/bin/node
            0565d000-05689000 rw-p 00000000 00:00 0
            11f67000-1224c000 rw-p 00000000 00:00 0                                  [heap]
            4ea200000-4ea240000 rw-p 00000000 00:00 0
            0867f000-2867f000 ---p 00000000 00:00 0
            727f3c0000-727f400000 rw-p 00000000 00:00 0
            7f0429a8b000-7f042b7ff000 rw-p 00000000 00:00 0
            7ffd1c000000-7ffd1c021000 rw-p 00000000 00:00 0                          [stack]
            """;
        var layout = AddressSpaceLayout.Parse(maps)!;
        layout.V8CommittedBytes.ShouldBe(0x40000 * 2);
        layout.V8Mappings.ShouldBe(2);
        layout.NativeMappedBytes.ShouldBe((0x1224c000 - 0x11f67000) + (0x7f042b7ff000 - 0x7f0429a8b000));
        layout.Mappings.ShouldBe(9);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a maps file\nzz-yy rw-p\n")]
    [InlineData("7f0429a8b000-7f0420000000 rw-p 00000000 00:00 0")]
    public void Parse_Malformed_ReturnsNull(string text) => AddressSpaceLayout.Parse(text).ShouldBeNull();
}
