namespace Heapdog.Processes.Tests;

public class NodeProcessFinderTests
{
    [Theory]
    [InlineData("/usr/bin/node", true)]
    [InlineData("/usr/local/bin/nodejs", true)]
    [InlineData("/opt/node-20/bin/node-20", true)]
    [InlineData("/usr/bin/node (deleted)", true)]
    [InlineData("/usr/bin/nodemon", false)]
    [InlineData("/usr/bin/python3", false)]
    [InlineData("/usr/bin/node-red", false)]
    public void IsNode_ExeTarget_DecidesByFileName(string exe, bool expected) => NodeProcessFinder.IsNode(exe, ["whatever"]).ShouldBe(expected);

    [Theory]
    [InlineData(new[] { "node", "server.js" }, true)]
    [InlineData(new[] { "/usr/bin/nodejs" }, true)]
    [InlineData(new[] { "node server.js --port 80" }, true)]
    [InlineData(new[] { "billing-svc" }, false)]
    [InlineData(new string[0], false)]
    public void IsNode_ExeUnreadable_DecidesByArgv0(string[] args, bool expected) => NodeProcessFinder.IsNode(null, args).ShouldBe(expected);

    [Fact]
    public async Task FindAll_NodeWithRewrittenTitle_IsFound()
    {
        using var node = new NodeProgram("titled.js");
        await node.ReadyAsync();
        var found = NodeProcessFinder.FindAll();
        found.ShouldContain(p => p.Pid == node.Pid && p.Comm == "billing-svc");
        found.ShouldNotContain(p => p.Pid == Environment.ProcessId);
    }
}
