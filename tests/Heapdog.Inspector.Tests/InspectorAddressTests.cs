namespace Heapdog.Inspector.Tests;

public sealed class InspectorAddressTests
{
    private const string Node = "/usr/bin/node";

    [Theory]
    // Nothing set: Node's default.
    [InlineData(new[] { Node, "app.js" }, null, "127.0.0.1", 9229, null)]
    [InlineData(new[] { Node, "--inspect", "app.js" }, null, "127.0.0.1", 9229, null)]
    // --inspect-port=HOST:PORT, =PORT, =HOST, and as two arguments.
    [InlineData(new[] { Node, "--inspect-port=0.0.0.0:0", "-e", "x" }, null, "0.0.0.0", 0, "--inspect-port on the command line")]
    [InlineData(new[] { Node, "--inspect-port=9300", "app.js" }, null, "127.0.0.1", 9300, null)]
    [InlineData(new[] { Node, "--inspect-port=0.0.0.0", "app.js" }, null, "0.0.0.0", 9229, "--inspect-port on the command line")]
    [InlineData(new[] { Node, "--inspect-port", "0.0.0.0:9300", "app.js" }, null, "0.0.0.0", 9300, "--inspect-port on the command line")]
    [InlineData(new[] { Node, "--inspect-port", "9300", "app.js" }, null, "127.0.0.1", 9300, null)]
    [InlineData(new[] { Node, "--debug-port=10.0.0.5:9300", "app.js" }, null, "10.0.0.5", 9300, "--debug-port on the command line")]
    // --inspect / --inspect-brk / --inspect-wait with a value.
    [InlineData(new[] { Node, "--inspect=0.0.0.0:9229", "app.js" }, null, "0.0.0.0", 9229, "--inspect on the command line")]
    [InlineData(new[] { Node, "--inspect=9400", "app.js" }, null, "127.0.0.1", 9400, null)]
    [InlineData(new[] { Node, "--inspect-brk=0.0.0.0:9229", "app.js" }, null, "0.0.0.0", 9229, "--inspect-brk on the command line")]
    [InlineData(new[] { Node, "--inspect-wait=0.0.0.0:1", "app.js" }, null, "0.0.0.0", 1, "--inspect-wait on the command line")]
    // IPv6, bracketed with and without a port.
    [InlineData(new[] { Node, "--inspect-port=[::]:9229", "app.js" }, null, "::", 9229, "--inspect-port on the command line")]
    [InlineData(new[] { Node, "--inspect=[::1]:9229", "app.js" }, null, "::1", 9229, "--inspect on the command line")]
    [InlineData(new[] { Node, "--inspect-port=[::]", "app.js" }, null, "::", 9229, "--inspect-port on the command line")]
    // A host name.
    [InlineData(new[] { Node, "--inspect=myhost.example:9229", "app.js" }, null, "myhost.example", 9229, "--inspect on the command line")]
    [InlineData(new[] { Node, "--inspect=localhost:9229", "app.js" }, null, "localhost", 9229, "--inspect on the command line")]
    // After the script, arguments are the program's own; so are those after "--".
    [InlineData(new[] { Node, "app.js", "--inspect-port=0.0.0.0:9229" }, null, "127.0.0.1", 9229, null)]
    [InlineData(new[] { Node, "--", "app.js", "--inspect=0.0.0.0:9229" }, null, "127.0.0.1", 9229, null)]
    // Options with a separate value are skipped whole; options after -e code still count (node reads on).
    [InlineData(new[] { Node, "-r", "--inspect=0.0.0.0", "app.js" }, null, "127.0.0.1", 9229, null)]
    [InlineData(new[] { Node, "-e", "setInterval(()=>{},1000)", "--inspect-port=0.0.0.0:0" }, null, "0.0.0.0", 0, "--inspect-port on the command line")]
    [InlineData(new[] { Node, "--max-old-space-size=100", "--inspect-port=0.0.0.0:0", "app.js" }, null, "0.0.0.0", 0, "--inspect-port on the command line")]
    // NODE_OPTIONS, and the command line winning over it for the parts it sets.
    [InlineData(new[] { Node, "app.js" }, "--inspect-port=0.0.0.0:9229", "0.0.0.0", 9229, "--inspect-port in NODE_OPTIONS")]
    [InlineData(new[] { Node, "app.js" }, "--max-old-space-size=100 --inspect-port 0.0.0.0:9300", "0.0.0.0", 9300, "--inspect-port in NODE_OPTIONS")]
    [InlineData(new[] { Node, "app.js" }, "--require \"/opt/my dir/x.js\" --inspect=[::]:9229", "::", 9229, "--inspect in NODE_OPTIONS")]
    [InlineData(new[] { Node, "--inspect-port=127.0.0.1:9300", "app.js" }, "--inspect-port=0.0.0.0:9229", "127.0.0.1", 9300, "--inspect-port on the command line")]
    [InlineData(new[] { Node, "--inspect-port=9300", "app.js" }, "--inspect-port=0.0.0.0:9229", "0.0.0.0", 9300, "--inspect-port in NODE_OPTIONS")]
    [InlineData(new[] { Node, "app.js" }, "", "127.0.0.1", 9229, null)]
    // Later options change only what they name.
    [InlineData(new[] { Node, "--inspect-port=0.0.0.0:9300", "--inspect-port=9400", "app.js" }, null, "0.0.0.0", 9400, "--inspect-port on the command line")]
    public void Parse_Forms_HostPortAndSource(string[] commandLine, string? nodeOptions, string host, int port, string? source)
    {
        var address = InspectorAddress.Parse(commandLine, nodeOptions);

        address.ShouldBe(new InspectorAddress(host, port, source));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("127.1.2.3", true)]
    [InlineData("::1", true)]
    [InlineData("::ffff:127.0.0.1", true)]
    [InlineData("localhost", true)]
    [InlineData("LOCALHOST", true)]
    [InlineData("0.0.0.0", false)]
    [InlineData("::", false)]
    [InlineData("10.0.0.5", false)]
    [InlineData("192.168.1.2", false)]
    [InlineData("fe80::1", false)]
    [InlineData("myhost.example", false)]
    [InlineData("128.0.0.1", false)]
    public void IsLoopbackHost_Hosts_TrueOnlyForLoopback(string host, bool loopback) =>
        InspectorAddress.IsLoopbackHost(host).ShouldBe(loopback);

    [Theory]
    [InlineData("0.0.0.0", 9229, "0.0.0.0:9229")]
    [InlineData("::", 9229, "[::]:9229")]
    [InlineData("localhost", 0, "localhost:0")]
    public void ToString_Host_BracketsIPv6(string host, int port, string text) =>
        new InspectorAddress(host, port, null).ToString().ShouldBe(text);

    [Theory]
    [InlineData("--a --b", new[] { "--a", "--b" })]
    [InlineData("  --a   --b  ", new[] { "--a", "--b" })]
    [InlineData("--require \"/a b/c.js\"", new[] { "--require", "/a b/c.js" })]
    [InlineData("--title=\"say \\\"hi\\\"\"", new[] { "--title=say \"hi\"" })]
    [InlineData("", new string[0])]
    public void SplitNodeOptions_Text_SplitsLikeNode(string text, string[] expected) =>
        InspectorAddress.SplitNodeOptions(text).ShouldBe(expected);
}
