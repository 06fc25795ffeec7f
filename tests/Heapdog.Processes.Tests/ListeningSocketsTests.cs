using System.Net;

namespace Heapdog.Processes.Tests;

public class ListeningSocketsTests
{
    [Fact]
    public void Parse_CapturedTcp_ListeningSocketsWithInodesOnly()
    {
        ListeningSockets.Parse(TestFiles.Read("net-tcp")).ShouldBe(
        [
            (new IPEndPoint(IPAddress.Loopback, 9331), 31158L),
            (new IPEndPoint(IPAddress.Any, 2024), 1077L),
        ]); // the established connection on line 2 is not listening
    }

    [Fact]
    public void Parse_CapturedTcp6_ReadsAddressWordsInHostOrder()
    {
        ListeningSockets.Parse(TestFiles.Read("net-tcp6")).ShouldBe(
        [
            (new IPEndPoint(IPAddress.IPv6Loopback, 9332), 31159L),
            (new IPEndPoint(IPAddress.IPv6Any, 38967), 31160L),
        ]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("header only\n")]
    [InlineData("header\n   0: 0100007F:2473 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0\n")] // no inode
    [InlineData("header\n   0: 0100007F 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31158 1\n")] // no port
    [InlineData("header\n   0: 0100ZZ7F:2473 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31158 1\n")]
    [InlineData("header\n   0: 0100007F00:2473 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31158 1\n")]
    [InlineData("header\n   0: 0100007F:2473 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 x 1\n")]
    public void Parse_Malformed_SkipsTheLine(string text) => ListeningSockets.Parse(text).ShouldBeEmpty();

    [Fact]
    public async Task OfProcess_NodeListening_FindsItsPortAndPortHolderNamesIt()
    {
        using var node = new NodeProgram("listen.js");
        int port = int.Parse((await node.WaitForLineAsync(l => l.StartsWith("ready ", StringComparison.Ordinal), "\"ready PORT\""))["ready ".Length..]);
        ListeningSockets.OfProcess(node.Pid).ShouldBe([new IPEndPoint(IPAddress.Loopback, port)]);
        ListeningSockets.PortHolder(port).ShouldBe(node.Pid);
    }

    [Fact]
    public void OfProcess_NoSuchProcess_ReturnsEmpty() => ListeningSockets.OfProcess(int.MaxValue).ShouldBeEmpty();
}
